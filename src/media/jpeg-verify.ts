/** @module Verifies a baseline JPEG completely (every segment, every block's Huffman codes) without the inverse DCT that a decoder spends most of its time on. */

/*
 * Why: judging that an image answer decodes at its size needs what a decoder would refuse, not its
 * pixels. A baseline decoder fails only while reading: segments, Huffman tables, the entropy-coded
 * blocks, restart markers, the end of the scan. The dequantisation, inverse DCT and colour conversion
 * that follow are arithmetic on the decoded coefficients and cannot fail; for a 2500² image they cost
 * a decoder (jpeg-js) half a second and ~100 MB. This walk reads exactly what a decoder reads.
 * Progressive, lossless and arithmetic-coded JPEGs are not walked ('unsupported'): decode those fully.
 */

/** What the walk found: the frame's size, the reason a decoder would refuse the bytes, or that this walk does not cover the coding. */
export type JpegVerdict = { ok: true; width: number; height: number } | { ok: false; reason: string } | { ok: 'unsupported'; coding: string };

/** A canonical Huffman table (T.81 Annex C/F.2.2.3) as decoders read it: per code length, the largest code and where its values start. */
interface HuffmanTable {
  maxCode: Int32Array;
  valueOffset: Int32Array;
  values: Uint8Array;
}

interface FrameComponent {
  id: number;
  h: number;
  v: number;
  quantTable: number;
}

interface Frame {
  width: number;
  height: number;
  components: FrameComponent[];
  maxH: number;
  maxV: number;
}

class Refused extends Error {}

function huffmanTable(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valueOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    if (n > 0) {
      valueOffset[length] = k - code;
      code += n;
      k += n;
      maxCode[length] = code - 1;
      if (code > 1 << length) throw new Refused('a Huffman table has more codes than its lengths allow');
    }
    code <<= 1;
  }
  return { maxCode, valueOffset, values };
}

/** Reads the entropy-coded bits of a scan: 0xFF00 is a stuffed 0xFF; any other 0xFF pair is a marker, which ends the data. */
class BitReader {
  private bits = 0;
  private count = 0;

  constructor(
    private readonly data: Uint8Array,
    public offset: number,
  ) {}

  bit(): number {
    if (this.count === 0) {
      if (this.offset >= this.data.length) throw new Refused('the scan data ends before its last block (truncated)');
      const byte = this.data[this.offset]!;
      if (byte === 0xff) {
        const next = this.data[this.offset + 1];
        if (next !== 0) throw new Refused(next === undefined ? 'the scan data ends before its last block (truncated)' : `unexpected marker ff${next.toString(16)} inside the scan data`);
        this.offset += 2;
      } else this.offset++;
      this.bits = byte;
      this.count = 8;
    }
    this.count--;
    return (this.bits >> this.count) & 1;
  }

  skip(n: number): void {
    for (let i = 0; i < n; i++) this.bit();
  }

  decode(table: HuffmanTable): number {
    let code = 0;
    for (let length = 1; length <= 16; length++) {
      code = (code << 1) | this.bit();
      if (code <= table.maxCode[length]!) return table.values[table.valueOffset[length]! + code]!;
    }
    throw new Refused('invalid Huffman code in the scan data');
  }

  /** Drops the rest of the current byte, as the end of an interval does. */
  align(): void {
    this.count = 0;
  }
}

function block(reader: BitReader, dc: HuffmanTable, ac: HuffmanTable): void {
  const category = reader.decode(dc);
  if (category > 16) throw new Refused(`DC difference of category ${category} (at most 16)`);
  reader.skip(category);
  for (let k = 1; k < 64; ) {
    const rs = reader.decode(ac);
    const size = rs & 15;
    const run = rs >> 4;
    if (size === 0) {
      if (run < 15) return; // end of block
      k += 16;
      continue;
    }
    k += run + 1;
    reader.skip(size);
  }
}

/** Byte offset of the marker that ends a scan's data (skipping stuffed bytes), or -1 when there is none. */
function markerAfter(data: Uint8Array, offset: number): number {
  for (let i = offset; i + 1 < data.length; i++) if (data[i] === 0xff && data[i + 1] !== 0x00) return i;
  return -1;
}

function scan(data: Uint8Array, start: number, frame: Frame, selectors: { component: FrameComponent; dc: HuffmanTable; ac: HuffmanTable }[], restartInterval: number): number {
  const { maxH, maxV } = frame;
  const single = selectors.length === 1;
  const first = selectors[0]!.component;
  const units = single
    ? Math.ceil((Math.ceil(frame.width / 8) * first.h) / maxH) * Math.ceil((Math.ceil(frame.height / 8) * first.v) / maxV)
    : Math.ceil(frame.width / 8 / maxH) * Math.ceil(frame.height / 8 / maxV);
  const reader = new BitReader(data, start);
  for (let unit = 0; unit < units; unit++) {
    if (restartInterval > 0 && unit > 0 && unit % restartInterval === 0) {
      reader.align();
      const at = reader.offset;
      if (data[at] !== 0xff || data[at + 1]! < 0xd0 || data[at + 1]! > 0xd7) throw new Refused(`restart marker missing after ${unit} of ${units} units`);
      reader.offset = at + 2;
    }
    if (single) block(reader, selectors[0]!.dc, selectors[0]!.ac);
    else for (const s of selectors) for (let n = s.component.h * s.component.v; n > 0; n--) block(reader, s.dc, s.ac);
  }
  const end = markerAfter(data, reader.offset);
  if (end < 0) throw new Refused('no marker after the scan data (no end of image)');
  return end;
}

const UNSUPPORTED_FRAMES: Record<number, string> = { 0xc2: 'progressive', 0xc3: 'lossless', 0xc5: 'differential', 0xc6: 'differential progressive', 0xc7: 'differential lossless', 0xc9: 'arithmetic', 0xca: 'arithmetic progressive', 0xcb: 'arithmetic lossless', 0xcd: 'arithmetic', 0xce: 'arithmetic', 0xcf: 'arithmetic' };

function walk(data: Uint8Array): JpegVerdict {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Refused('no start-of-image marker');
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  const quantTables = new Set<number>();
  let frame: Frame | undefined;
  let restartInterval = 0;
  let scans = 0;
  let offset = 2;
  for (;;) {
    while (data[offset] === 0xff && data[offset + 1] === 0xff) offset++; // fill bytes
    if (offset + 1 >= data.length) throw new Refused('the image ends before its end-of-image marker');
    if (data[offset] !== 0xff) throw new Refused(`expected a marker at byte ${offset}`);
    const marker = data[offset + 1]!;
    offset += 2;
    if (marker === 0xd9) break; // end of image
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (offset + 2 > data.length) throw new Refused(`segment ff${marker.toString(16)} runs past the end`);
    const length = (data[offset]! << 8) | data[offset + 1]!;
    const end = offset + length;
    if (length < 2 || end > data.length) throw new Refused(`segment ff${marker.toString(16)} runs past the end`);
    const body = data.subarray(offset + 2, end);
    if (UNSUPPORTED_FRAMES[marker]) return { ok: 'unsupported', coding: UNSUPPORTED_FRAMES[marker] };
    if (marker === 0xc0 || marker === 0xc1) {
      if (frame) throw new Refused('a second frame header');
      const count = body[5] ?? 0;
      if (body.length !== 6 + 3 * count || count === 0) throw new Refused(`a frame header of ${length} bytes for ${count} components (T.81: 8 + 3 per component)`);
      const components: FrameComponent[] = [];
      for (let i = 0; i < count; i++) {
        const sampling = body[7 + 3 * i]!;
        const component = { id: body[6 + 3 * i]!, h: sampling >> 4, v: sampling & 15, quantTable: body[8 + 3 * i]! };
        if (component.h < 1 || component.v < 1 || component.h > 4 || component.v > 4) throw new Refused(`sampling factors ${component.h}×${component.v} (1 to 4 each)`);
        components.push(component);
      }
      const height = (body[1]! << 8) | body[2]!;
      const width = (body[3]! << 8) | body[4]!;
      if (height === 0) return { ok: 'unsupported', coding: 'height defined by a DNL marker' };
      if (width === 0) throw new Refused('a frame of width 0');
      frame = { width, height, components, maxH: Math.max(...components.map((c) => c.h)), maxV: Math.max(...components.map((c) => c.v)) };
    } else if (marker === 0xc4) {
      for (let at = 0; at < body.length; ) {
        const spec = body[at]!;
        const counts = body.subarray(at + 1, at + 17);
        const total = counts.reduce((sum, n) => sum + n, 0);
        if (counts.length < 16 || at + 17 + total > body.length) throw new Refused('a Huffman table runs past its segment');
        (spec >> 4 === 0 ? dcTables : acTables)[spec & 15] = huffmanTable(counts, body.subarray(at + 17, at + 17 + total));
        at += 17 + total;
      }
    } else if (marker === 0xdb) {
      for (let at = 0; at < body.length; ) {
        const precision = body[at]! >> 4;
        if (precision > 1) throw new Refused(`a quantisation table of precision ${precision} (0 or 1)`);
        quantTables.add(body[at]! & 15);
        at += 1 + 64 * (precision + 1);
        if (at > body.length) throw new Refused('a quantisation table runs past its segment');
      }
    } else if (marker === 0xdd) {
      if (body.length < 2) throw new Refused('a restart interval segment too short');
      restartInterval = (body[0]! << 8) | body[1]!;
    } else if (marker === 0xda) {
      if (!frame) throw new Refused('a scan before the frame header');
      const count = body[0] ?? 0;
      if (count === 0 || body.length !== 1 + 2 * count + 3) throw new Refused(`a scan header of ${length} bytes for ${count} components (T.81: 6 + 2 per component)`);
      const selectors = [];
      for (let i = 0; i < count; i++) {
        const id = body[1 + 2 * i]!;
        const tables = body[2 + 2 * i]!;
        const component = frame.components.find((c) => c.id === id);
        const dc = dcTables[tables >> 4];
        const ac = acTables[tables & 15];
        if (!component) throw new Refused(`the scan names component ${id}, which the frame does not have`);
        if (!dc || !ac) throw new Refused(`the scan uses a Huffman table that was never defined (component ${id})`);
        selectors.push({ component, dc, ac });
      }
      offset = scan(data, end, frame, selectors, restartInterval);
      scans++;
      continue;
    } else if (!(marker >= 0xe0 && marker <= 0xef) && marker !== 0xfe && marker !== 0xdc) {
      throw new Refused(`unknown JPEG marker ff${marker.toString(16)}`);
    }
    offset = end;
  }
  if (!frame) throw new Refused('no frame header');
  const undefinedTable = frame.components.find((c) => !quantTables.has(c.quantTable));
  if (undefinedTable) throw new Refused(`component ${undefinedTable.id} uses quantisation table ${undefinedTable.quantTable}, which was never defined`);
  if (scans === 0) throw new Refused('no scan');
  return { ok: true, width: frame.width, height: frame.height };
}

/** Walks JPEG bytes as a baseline decoder reads them: the size, or why a decoder would refuse them. */
export function verifyJpeg(data: Uint8Array): JpegVerdict {
  try {
    return walk(data);
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.message };
    throw error;
  }
}
