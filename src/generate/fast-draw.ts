/**
 * @module Drawing from fast-check arbitraries without building their shrink trees: the same values from the same
 * random draws, a fraction of the allocations.
 *
 * fast-check's `generate` wraps every value of every nested arbitrary in a `Value` with a shrink context (a string of
 * five characters costs some thirty objects), which made generation the largest part of the harness's CPU per
 * exchange. The harness shrinks only after a failure, so `fastDrawing(arbitrary)` draws raw values, reading each
 * arbitrary's own settings and consuming the random source exactly as its `generate` would, and keeps only a clone
 * of the random source at the start of the draw. Shrinking, when asked for, first regenerates the value with
 * fast-check from that clone (so its shrink tree, and every `(seed, path)` that replays a case, is fast-check's own).
 *
 * Arbitraries of classes not known here are drawn with their own `generate`; known ones are recognised by
 * constructor identity, so a subclass or another fast-check copy falls back too. test/unit/generate/fast-draw.test.ts
 * holds the values and the random source's state after each draw equal to `generate`'s over every catalogue model.
 */
import fc from 'fast-check';

/** An arbitrary that can draw a raw value itself (the project's own arbitraries), with `draw` for its children. */
export interface RawDrawable {
  drawRaw(random: fc.Random, biasFactor: number | undefined): unknown;
}

type AnyArbitrary = fc.Arbitrary<unknown>;
/** The fast-check internals read here: fields of the arbitrary classes below, as fast-check 4 names them. */
type Internal = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The classes behind fast-check's builders, taken from instances (fast-check does not export them).
const MapArbitrary = fc.constant(0).map((v) => v).constructor;
const IntegerArbitrary = fc.integer().constructor;
const ConstantArbitrary = fc.constant(0).constructor;
const FrequencyArbitrary = fc.oneof(fc.constant(0), fc.constant(1)).constructor;
const ArrayArbitrary = fc.array(fc.constant(0)).constructor;
const TupleArbitrary = fc.tuple(fc.constant(0)).constructor;
const NoBiasArbitrary = fc.noBias(fc.constant(0)).constructor;
const BigIntArbitrary = fc.bigInt().constructor;
const FilterArbitrary = fc.constant(0).filter(() => true).constructor;
/** fc.string's mapper: joins the drawn characters. */
const JOIN_CHARACTERS = (fc.string() as unknown as Internal).mapper as (parts: unknown[]) => string;

/**
 * The fast-check versions whose internals the equivalence test has held `draw` against. The dependency range lets a
 * user install a newer 4.x whose classes may name their fields differently: with any other version, `draw` is
 * fast-check's own `generate` (the same values, without the saving) instead of a guess at unverified internals.
 */
export const VERIFIED_FAST_CHECK_VERSIONS: readonly string[] = ['4.10.2'];
/** Whether `draw` reads fast-check's internals (the installed version is verified) or calls `generate`. */
export const drawsWithoutShrinkTrees = VERIFIED_FAST_CHECK_VERSIONS.includes(fc.__version);

/** Draws one raw value of `arbitrary`, consuming `random` exactly as `arbitrary.generate(random, biasFactor)` does. */
export function draw(arbitrary: AnyArbitrary, random: fc.Random, biasFactor: number | undefined): unknown {
  if (!drawsWithoutShrinkTrees) return arbitrary.generate(random, biasFactor).value;
  const arb = arbitrary as unknown as Internal;
  const kind = arb.constructor;
  if (kind === MapArbitrary) {
    const inner = draw(arb.arb, random, biasFactor);
    return arb.mapper === JOIN_CHARACTERS ? joinCharacters(inner as unknown[]) : arb.mapper(inner);
  }
  if (kind === IntegerArbitrary) return drawInteger(arb, random, biasFactor);
  if (kind === FrequencyArbitrary) return drawFrequency(arb, random, biasFactor);
  if (kind === ConstantArbitrary) {
    const values = arb.values as unknown[];
    const value = values[values.length === 1 ? 0 : random.nextInt(0, values.length - 1)];
    return fc.hasCloneMethod(value) ? value[fc.cloneMethod]() : value;
  }
  if (kind === ArrayArbitrary) return drawArray(arb, random, biasFactor);
  if (kind === TupleArbitrary) {
    const arbs = arb.arbs as AnyArbitrary[];
    const out: unknown[] = [];
    for (let i = 0; i !== arbs.length; i++) out.push(draw(arbs[i]!, random, biasFactor));
    return out;
  }
  if (kind === NoBiasArbitrary) return draw(arb.arb, random, undefined);
  if (kind === BigIntArbitrary) {
    const range = arb.computeGenerateRange(random, biasFactor) as { min: bigint; max: bigint };
    return random.nextBigInt(range.min, range.max);
  }
  if (kind === FilterArbitrary) {
    for (;;) {
      const value = draw(arb.arb, random, biasFactor);
      if (arb.refinement(value)) return value;
    }
  }
  if (typeof arb.drawRaw === 'function') return (arb as unknown as RawDrawable).drawRaw(random, biasFactor);
  return arbitrary.generate(random, biasFactor).value;
}

/** `parts.join('')` for the characters of a string (what fc.string's mapper does), without its guarded call. */
function joinCharacters(parts: unknown[]): string {
  let text = '';
  for (let i = 0; i !== parts.length; i++) {
    const part = parts[i];
    if (typeof part !== 'string') return JOIN_CHARACTERS(parts);
    text += part;
  }
  return text;
}

/** IntegerArbitrary.generate. */
function drawInteger(arb: Internal, random: fc.Random, biasFactor: number | undefined): number {
  if (biasFactor === undefined || random.nextInt(1, biasFactor) !== 1) return random.nextInt(arb.min, arb.max);
  const ranges = arb.ranges as { min: number; max: number }[];
  if (ranges.length === 1) return random.nextInt(ranges[0]!.min, ranges[0]!.max);
  const id = random.nextInt(-2 * (ranges.length - 1), ranges.length - 2);
  const range = id < 0 ? ranges[0]! : ranges[id + 1]!;
  return random.nextInt(range.min, range.max);
}

/** FrequencyArbitrary.generate (fc.oneof, fc.option): the choice, then the chosen arbitrary one level deeper. */
function drawFrequency(arb: Internal, random: fc.Random, biasFactor: number | undefined): unknown {
  let index = 0;
  if (!arb.mustGenerateFirst()) {
    const selected = random.nextInt(arb.computeNegDepthBenefit(), arb.totalWeight - 1);
    const cumulated = arb.cumulatedWeights as number[];
    while (index < cumulated.length && selected >= cumulated[index]!) index++;
    if (index === cumulated.length) throw new Error('Unable to generate from fc.frequency');
  }
  const context = arb.context as { depth: number };
  ++context.depth;
  try {
    return draw(arb.warbs[index].arbitrary, random, biasFactor);
  } finally {
    --context.depth;
  }
}

/** ArrayArbitrary.generate (fc.array, fc.string, fc.uniqueArray, fc.dictionary): the length, then the items. */
function drawArray(arb: Internal, random: fc.Random, biasFactor: number | undefined): unknown[] {
  let size: number;
  let itemsBias: number | undefined;
  if (biasFactor === undefined) size = drawInteger(arb.lengthArb, random, undefined);
  else if (arb.minLength === arb.maxGeneratedLength) {
    size = drawInteger(arb.lengthArb, random, undefined);
    itemsBias = biasFactor;
  } else if (random.nextInt(1, biasFactor) !== 1) size = drawInteger(arb.lengthArb, random, undefined);
  else if (random.nextInt(1, biasFactor) !== 1) {
    size = drawInteger(arb.lengthArb, random, undefined);
    itemsBias = biasFactor;
  } else {
    size = random.nextInt(arb.minLength, arb.cachedBiasedMaxLength); // a fresh fc.integer's unbiased draw
    itemsBias = biasFactor;
  }
  const depthImpact = size - (arb.cachedBiasedMaxLength as number);
  const context = arb.depthContext as { depth: number };
  if (depthImpact > 0) context.depth += depthImpact;
  try {
    const slices = arb.customSlices as readonly (readonly unknown[])[];
    if (arb.setBuilder === undefined && (itemsBias === undefined || slices.length === 0)) {
      // No slice can be picked (and none is drawn for): the items one by one (a string's characters, mostly).
      const out: unknown[] = [];
      for (let i = 0; i !== size; i++) out.push(draw(arb.arb, random, itemsBias));
      return out;
    }
    const items = new Items(arb.arb, random, slices, itemsBias);
    if (arb.setBuilder === undefined) {
      items.attemptExact(size);
      const out: unknown[] = [];
      for (let i = 0; i !== size; i++) out.push(items.next());
      return out;
    }
    // uniqueArray: the set decides which draws count, as fast-check's does (it reads `Value`s).
    const set = arb.setBuilder() as { tryAdd(v: fc.Value<unknown>): boolean; size(): number; getData(): fc.Value<unknown>[] };
    let skippedInRow = 0;
    while (set.size() < size && skippedInRow < arb.maxGeneratedLength) {
      if (set.tryAdd(new fc.Value(items.next(), undefined))) skippedInRow = 0;
      else skippedInRow += 1;
    }
    return set.getData().map((v) => v.value);
  } finally {
    if (depthImpact > 0) context.depth -= depthImpact;
  }
}

/** buildSlicedGenerator: items drawn one by one, or (biased) copied from the arbitrary's slices of notable values. */
class Items {
  readonly #arb: AnyArbitrary;
  readonly #random: fc.Random;
  readonly #slices: readonly (readonly unknown[])[] | undefined;
  readonly #bias: number | undefined;
  #active = 0;
  #next = 0;
  #last = -1;

  constructor(arb: AnyArbitrary, random: fc.Random, slices: readonly (readonly unknown[])[], bias: number | undefined) {
    this.#arb = arb;
    this.#random = random;
    this.#bias = bias;
    // NoopSlicedGenerator unless the bias picks the SlicedBasedGenerator.
    this.#slices = bias === undefined || slices.length === 0 || random.nextInt(1, bias) !== 1 ? undefined : slices;
  }

  attemptExact(targetLength: number): void {
    const slices = this.#slices;
    if (slices === undefined) return;
    if (targetLength !== 0 && this.#random.nextInt(1, this.#bias!) === 1) {
      const eligible: number[] = [];
      for (let i = 0; i !== slices.length; i++) if (slices[i]!.length === targetLength) eligible.push(i);
      if (eligible.length === 0) return;
      this.#active = eligible[this.#random.nextInt(0, eligible.length - 1)]!;
      this.#next = 0;
      this.#last = targetLength - 1;
    }
  }

  next(): unknown {
    const slices = this.#slices;
    if (slices === undefined) return draw(this.#arb, this.#random, this.#bias);
    if (this.#next <= this.#last) return slices[this.#active]![this.#next++];
    const random = this.#random;
    if (random.nextInt(1, this.#bias!) !== 1) return draw(this.#arb, random, this.#bias);
    this.#active = random.nextInt(0, slices.length - 1);
    const slice = slices[this.#active]!;
    if (random.nextInt(1, this.#bias!) !== 1) {
      this.#next = 1;
      this.#last = slice.length - 1;
      return slice[0];
    }
    const a = random.nextInt(0, slice.length - 1);
    const b = random.nextInt(0, slice.length - 1);
    this.#next = Math.min(a, b);
    this.#last = Math.max(a, b);
    return slice[this.#next++];
  }
}

/** Where a drawn value came from: enough for fast-check to generate it again, with its shrink context. */
class Drawn {
  constructor(
    readonly random: fc.Random,
    readonly biasFactor: number | undefined,
  ) {}
}

/** `inner`, drawn with `draw`; its values shrink exactly as `inner`'s. */
class FastDrawing<T> extends fc.Arbitrary<T> {
  constructor(readonly inner: fc.Arbitrary<T>) {
    super();
  }

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    const start = random.clone();
    return new fc.Value(draw(this.inner, random, biasFactor) as T, new Drawn(start, biasFactor));
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.inner.canShrinkWithoutContext(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    if (context instanceof Drawn) {
      const generated = this.inner.generate(context.random.clone(), context.biasFactor);
      return this.inner.shrink(generated.value, generated.context);
    }
    return this.inner.shrink(value, context);
  }
}

/**
 * The same arbitrary, drawn without building shrink trees until one is needed: same values for the same random
 * source, same shrinks (fast-check's own, from a regeneration). Wrap the root of what a property draws.
 */
export function fastDrawing<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T> {
  if (!drawsWithoutShrinkTrees) return arbitrary;
  return arbitrary instanceof FastDrawing ? arbitrary : new FastDrawing(arbitrary);
}
