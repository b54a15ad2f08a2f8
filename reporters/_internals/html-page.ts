/** @module The shell of the self-contained HTML reports: CSP that forbids any network use, shared styles, embedded data. */
import { escapeHtml, jsonForScript } from './escape.js';

/**
 * No request may leave the page: everything is inline, and media previews come from `data:` URIs
 * built from the report itself.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; media-src data:; base-uri 'none'; form-action 'none'";

/** Styles shared by the conformance and comparison pages. */
export const BASE_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #d2f4db; --fail: #cf222e; --fail-bg: #ffd8d3; --skip: #59636e; --skip-bg: #eaeef2; --accent: #0969da; --warn: #9a6700; --warn-bg: #fff1c2; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
  --pass: #3fb950; --pass-bg: #12361f; --fail: #ff7b72; --fail-bg: #4c1d1d; --skip: #9198a1; --skip-bg: #21262d; --accent: #4493f8; --warn: #d29922; --warn-bg: #3b2e0a; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header, main > section { padding: 12px 24px; }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 16px; margin: 16px 0 8px; } h3 { font-size: 14px; margin: 12px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word; margin: 4px 0; }
.muted { color: var(--muted); }
.badge { display: inline-block; border-radius: 12px; padding: 1px 10px; font-weight: 600; font-size: 13px; }
.badge.passed { background: var(--pass-bg); color: var(--pass); } .badge.failed { background: var(--fail-bg); color: var(--fail); }
.badge.warning { background: var(--warn-bg); color: var(--warn); }
.badge.skipped, .badge.none, .badge.incomplete { background: var(--skip-bg); color: var(--skip); }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 6px 12px; min-width: 100px; }
.stat b { display: block; font-size: 20px; }
.filters { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 24px; background: var(--bg); border-bottom: 1px solid var(--line); }
.filters label { display: flex; gap: 6px; align-items: center; }
select, input, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 3px 6px; }
button { cursor: pointer; }
.matrix-wrap { overflow: auto; max-height: 78vh; border: 1px solid var(--line); border-radius: 6px; }
table.matrix { border-collapse: separate; border-spacing: 0; font-size: 12px; }
table.matrix thead th { position: sticky; top: 0; z-index: 2; background: var(--bg); border-bottom: 1px solid var(--line); vertical-align: bottom; }
table.matrix th.check > span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; padding: 6px 0; display: inline-block; }
table.matrix th.row-head { position: sticky; left: 0; z-index: 1; background: var(--bg); text-align: left; font-weight: normal; white-space: nowrap; padding: 1px 10px 1px 6px; }
table.matrix thead th.row-head { z-index: 3; }
table.matrix tr.group th { position: sticky; left: 0; text-align: left; background: var(--panel); padding: 4px 6px; font-weight: 600; }
td.cell { min-width: 24px; height: 22px; text-align: center; border: 1px solid var(--bg); border-radius: 4px; user-select: none; }
td.cell[data-status="passed"] { background: var(--pass-bg); color: var(--pass); }
td.cell[data-status="failed"] { background: var(--fail-bg); color: var(--fail); font-weight: 700; }
td.cell[data-status="skipped"] { background: var(--skip-bg); color: var(--skip); }
td.cell[data-status="warning"] { background: var(--warn-bg); color: var(--warn); }
td.cell[data-status]:not([data-status="none"]) { cursor: pointer; }
td.cell:focus-visible { outline: 2px solid var(--accent); }
td.cell.dim, td.ccell.dim { opacity: 0.25; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0; }
dl.kv dt { color: var(--muted); } dl.kv dd { margin: 0; word-break: break-word; }
table.plain { border-collapse: collapse; font-size: 13px; }
table.plain th, table.plain td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
table.plain td.num, table.plain th.num { text-align: right; }
dialog#detail { width: min(1200px, 96vw); max-height: 92vh; padding: 0; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); color: var(--fg); }
dialog#detail::backdrop { background: rgb(0 0 0 / 45%); }
.detail-head { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--line); padding: 10px 16px; display: flex; gap: 12px; align-items: baseline; z-index: 1; }
.detail-head h2 { margin: 0; flex: 1; font-size: 15px; }
#detail-body { padding: 8px 16px 16px; }
footer { padding: 12px 24px 32px; color: var(--muted); font-size: 12px; }
`;

/** What a page is made of. */
export interface PageParts {
  title: string;
  /** Extra CSS after the shared styles. */
  css?: string;
  /** HTML of the body (already escaped). */
  body: string;
  /** Data for the script, embedded as JSON in `<script type="application/json" id="wai-data">`. */
  data: unknown;
  /** The page's script (inline, no modules, no network). */
  script: string;
}

/** A complete, self-contained HTML document. */
export function htmlPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(parts.title)}</title>
<style>${BASE_CSS}${parts.css ?? ''}</style>
</head>
<body>
${parts.body}
<script type="application/json" id="wai-data">${jsonForScript(parts.data)}</script>
<script>${parts.script}</script>
</body>
</html>
`;
}
