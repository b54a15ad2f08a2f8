/** @module The conformance page's script: filters and the cell dialog (plain ES2020, DOM text only, never innerHTML of report data). */
import { COVERAGE_SCRIPT } from './coverage-html.js';

/**
 * Runs in the browser. It reads `#wai-data` ({ report, rows, checks, checkDescriptions, cells })
 * and renders every value with `textContent`, so no report string is ever parsed as HTML.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('wai-data').textContent);
  var report = data.report;
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (attrs[k] === undefined || attrs[k] === null) return;
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.append(child);
    }
    return node;
  }

  /* ---- filters ---- */
  var fTask = $('#f-task'), fCheck = $('#f-check'), fStatus = $('#f-status'), fModel = $('#f-model'), fCount = $('#f-count');
  var rows = $$('#matrix tr.row');
  function applyFilters() {
    var task = fTask.value, check = fCheck.value, status = fStatus.value, text = fModel.value.trim().toLowerCase();
    $$('#matrix [data-col]').forEach(function (node) { node.hidden = check !== '' && node.getAttribute('data-col') !== check; });
    var shown = 0, tasksShown = {};
    rows.forEach(function (row) {
      var visible = (task === '' || row.getAttribute('data-task') === task) && (text === '' || row.getAttribute('data-model').indexOf(text) !== -1);
      var cells = $$('td.cell', row).filter(function (c) { return !c.hidden; });
      cells.forEach(function (c) { c.classList.toggle('dim', status !== '' && c.getAttribute('data-status') !== status); });
      if (visible && status !== '') visible = cells.some(function (c) { return c.getAttribute('data-status') === status; });
      row.hidden = !visible;
      if (visible) { shown++; tasksShown[row.getAttribute('data-task')] = true; }
      var bar = document.querySelector('.lat-row[data-row="' + row.getAttribute('data-row') + '"]');
      if (bar) bar.hidden = !visible;
    });
    $$('#matrix tr.group').forEach(function (g) { g.hidden = !tasksShown[g.getAttribute('data-task')]; });
    var columns = check === '' ? data.checks.length : 1;
    fCount.textContent = shown + ' of ' + rows.length + ' rows · ' + columns + ' of ' + data.checks.length + ' checks';
  }
  [fTask, fCheck, fStatus].forEach(function (f) { f.addEventListener('change', applyFilters); });
  fModel.addEventListener('input', applyFilters);

  /* ---- media found in JSON bodies ---- */
  var MAGIC = [
    ['image/png', [0x89, 0x50, 0x4e, 0x47]], ['image/jpeg', [0xff, 0xd8, 0xff]], ['image/gif', [0x47, 0x49, 0x46, 0x38]],
    ['audio/mpeg', [0x49, 0x44, 0x33]], ['audio/ogg', [0x4f, 0x67, 0x67, 0x53]], ['audio/flac', [0x66, 0x4c, 0x61, 0x43]]
  ];
  function sniff(base64) {
    var bytes;
    try { bytes = atob(base64.slice(0, 24)); } catch (e) { return null; }
    var at = function (i) { return bytes.charCodeAt(i); };
    for (var m = 0; m < MAGIC.length; m++) {
      var sig = MAGIC[m][1], ok = true;
      for (var i = 0; i < sig.length; i++) if (at(i) !== sig[i]) { ok = false; break; }
      if (ok) return MAGIC[m][0];
    }
    if (bytes.slice(0, 4) === 'RIFF' && bytes.slice(8, 12) === 'WAVE') return 'audio/wav';
    if (bytes.slice(0, 4) === 'RIFF' && bytes.slice(8, 12) === 'WEBP') return 'image/webp';
    if (at(0) === 0xff && (at(1) & 0xe0) === 0xe0) return 'audio/mpeg';
    return null;
  }
  function mediaIn(value, path, found, depth) {
    if (found.length >= 8 || depth > 12) return;
    if (typeof value === 'string') {
      var m = /^data:((?:image|audio)\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]+={0,2})$/i.exec(value);
      if (m) { found.push({ path: path, type: m[1].toLowerCase(), uri: value }); return; }
      if (value.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
        var type = sniff(value);
        if (type) found.push({ path: path, type: type, uri: 'data:' + type + ';base64,' + value });
      }
    } else if (Array.isArray(value)) {
      value.forEach(function (v, i) { mediaIn(v, path + '/' + i, found, depth + 1); });
    } else if (value && typeof value === 'object') {
      Object.keys(value).forEach(function (k) { mediaIn(value[k], path + '/' + k, found, depth + 1); });
    }
  }
  function parsedJson(body) {
    if (body.kind !== 'text' || body.truncated) return undefined;
    try { return JSON.parse(body.text); } catch (e) { return undefined; }
  }
  function mediaView(body) {
    var json = parsedJson(body);
    if (json === undefined) return null;
    var found = [];
    mediaIn(json, '', found, 0);
    if (found.length === 0) return null;
    return el('div', { class: 'media' }, ...found.map(function (m) {
      var player = m.type.indexOf('image/') === 0 ? el('img', { src: m.uri, alt: m.type + ' at ' + (m.path || '/') }) : el('audio', { controls: '', src: m.uri });
      return el('figure', null, player, el('figcaption', { text: m.type + ' at ' + (m.path || '/') + ' (decoded from the JSON body)' }));
    }));
  }

  /* ---- exchange rendering ---- */
  function headersTable(headers) {
    var names = Object.keys(headers || {});
    if (names.length === 0) return el('p', { class: 'muted', text: 'no headers' });
    return el('table', { class: 'plain headers' }, ...names.map(function (n) { return el('tr', null, el('th', { class: 'mono', text: n }), el('td', { class: 'mono', text: headers[n] })); }));
  }
  function bodyView(body) {
    if (!body || body.kind === 'none') return el('p', { class: 'muted', text: 'no body' });
    if (body.kind === 'binary') {
      return el('p', { class: 'binary' }, 'Binary body: ' + body.size + ' bytes of ' + (body.contentType || 'unknown type') + ', sha256 ', el('code', { text: body.sha256 }),
        el('br'), el('span', { class: 'muted', text: 'Reports keep the size and digest of binary bodies, not the bytes, so it cannot be shown or played here.' }));
    }
    var json = parsedJson(body);
    var text = json !== undefined ? JSON.stringify(json, null, 2) : body.text;
    var nodes = [el('pre', { class: 'body', text: text })];
    if (body.truncated) nodes.push(el('p', { class: 'muted', text: 'Truncated: ' + body.text.length + ' characters of ' + body.size + ' bytes recorded.' }));
    var media = mediaView(body);
    if (media) nodes.push(media);
    return el('div', null, ...nodes);
  }
  function requestView(request) {
    return el('div', { class: 'request' }, el('h4', { text: 'Request' }), el('pre', { class: 'start-line', text: request.method + ' ' + request.url }), headersTable(request.headers), bodyView(request.body));
  }
  function responseView(failure) {
    var response = failure.response;
    if (!response) {
      var error = failure.error;
      return el('div', { class: 'response' }, el('h4', { text: 'Response' }), el('p', { class: 'binary', text: error ? 'No response: ' + error.kind + ': ' + error.message : 'No response recorded.' }));
    }
    var nodes = [el('h4', { text: 'Response' }), el('pre', { class: 'start-line', text: 'HTTP ' + response.status + '  (first byte ' + response.timing.firstByteMs + ' ms, total ' + response.timing.totalMs + ' ms)' }), headersTable(response.headers), bodyView(response.body)];
    if (response.events) {
      nodes.push(el('details', null, el('summary', { text: response.events.length + ' server-sent events' + (response.trailingBytes ? ', ' + response.trailingBytes + ' bytes after the last complete event' : '') }),
        el('table', { class: 'plain' }, el('tr', null, el('th', { text: 'ms' }), el('th', { text: 'event' }), el('th', { text: 'data' })),
          ...response.events.map(function (e) { return el('tr', null, el('td', { class: 'num mono', text: String(e.atMs) }), el('td', { class: 'mono', text: e.event || '' }), el('td', { class: 'mono', text: e.data })); }))));
    }
    return el('div', { class: 'response' }, ...nodes);
  }
  function copyButton(text) {
    var button = el('button', { type: 'button', text: 'Copy' });
    button.addEventListener('click', function () {
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { button.textContent = 'Copied'; }, function () { button.textContent = 'Select and copy'; });
    });
    return button;
  }
  function failureView(failure, index, count) {
    var facts = el('dl', { class: 'kv' });
    [['expected', failure.expected], ['actual', failure.actual], ['at', failure.instancePath], ['seed', String(failure.seed)], ['path', failure.path]].forEach(function (kv) {
      if (kv[1] === undefined) return;
      facts.append(el('dt', { text: kv[0] }), el('dd', { class: 'mono', text: kv[1] === '' ? '(the whole body)' : kv[1] }));
    });
    var details = el('details', { class: 'failure' }, el('summary', { text: (count > 1 ? (index + 1) + '/' + count + ': ' : '') + failure.message }),
      facts,
      el('div', { class: 'repro' }, el('span', { class: 'muted', text: 'Reproduce' }), el('code', { text: failure.reproduce }), copyButton(failure.reproduce)),
      el('div', { class: 'exchange' }, requestView(failure.request), responseView(failure)));
    if (index === 0) details.open = true;
    return details;
  }
  function latencyText(latency) {
    if (!latency || latency.totalMs.length === 0) return '';
    var sorted = latency.totalMs.slice().sort(function (a, b) { return a - b; });
    return ' · median ' + sorted[Math.floor((sorted.length - 1) / 2)] + ' ms over ' + sorted.length + ' exchanges';
  }
  function resultView(result) {
    var warning = result.status === 'failed' && result.severity === 'warning';
    var status = warning ? 'warning' : result.status;
    var head = el('h3', null, el('span', { class: 'badge ' + status, text: status }), ' ' + result.endpoint,
      el('span', { class: 'muted', text: ' · ' + result.requests + ' exchanges judged' + latencyText(result.latency) }));
    var nodes = [head];
    if (result.status === 'skipped') nodes.push(el('p', { class: 'muted', text: 'The check does not apply to these exchanges: nothing was judged.' }));
    if (result.status === 'passed') nodes.push(el('p', { class: 'muted', text: 'Every judged exchange conforms.' }));
    if (warning) nodes.push(el('p', { class: 'muted', text: 'A warning: the rule rests on documentation alone, the real API is not known to enforce it; only run --strict counts it.' }));
    result.failures.forEach(function (f, i) { nodes.push(failureView(f, i, result.failures.length)); });
    return el('section', { class: 'result', 'data-status': status }, ...nodes);
  }

  /* ---- dialog ---- */
  var dialog = $('#detail');
  function openCell(cell) {
    var key = cell.getAttribute('data-cell');
    var indexes = data.cells[key];
    if (!indexes) return;
    var parts = key.split(':');
    var row = data.rows[Number(parts[0])], check = data.checks[Number(parts[1])];
    $('#detail-title').textContent = (row.model || 'API (' + row.task + ')') + ' · ' + check + ' · ' + cell.getAttribute('data-status');
    var body = $('#detail-body');
    body.replaceChildren(
      el('p', { class: 'muted', text: 'Task ' + row.task + '. ' + check + ': ' + (data.checkDescriptions[check] || '') }),
      ...indexes.map(function (i) { return resultView(report.results[i]); }));
    if (!dialog.open) dialog.showModal();
    dialog.scrollTop = 0;
  }
  $('#detail-close').addEventListener('click', function () { dialog.close(); });
  dialog.addEventListener('click', function (event) { if (event.target === dialog) dialog.close(); });
  var matrix = $('#matrix');
  if (matrix) {
    matrix.addEventListener('click', function (event) {
      var cell = event.target.closest('td.cell');
      if (cell && cell.getAttribute('data-status') !== 'none') openCell(cell);
    });
    matrix.addEventListener('keydown', function (event) {
      var cell = event.target.closest('td.cell');
      if (cell && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); openCell(cell); }
    });
  }
${COVERAGE_SCRIPT}
  applyFilters();
})();
`;
