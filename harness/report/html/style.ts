/**
 * The report's stylesheet, inlined into index.html (the file is self-contained: no network, no
 * scripts).
 */
export const STYLE = `
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --pass:#15803d; --fail:#b91c1c; --err:#7c2d12; --bg:#f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 64px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.meta, .muted { color: var(--muted); }
table.summary { border-collapse: collapse; margin: 12px 0 20px; }
table.summary th, table.summary td { border: 1px solid var(--line); padding: 4px 12px; text-align: left; }
table.summary td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); } .badge.error { background: var(--err); } .badge.missing { background: var(--muted); } .badge.not-compared { background: var(--err); }
section.scenario { border-top: 2px solid var(--line); padding-top: 18px; margin-top: 26px; }
.targets { display: grid; gap: 18px; margin-top: 10px; }
.target { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--bg); min-width: 0; }
.target h3:first-child { margin-top: 0; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 8px; overflow-x: auto; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; margin: 4px 0; }
pre .add { color: var(--pass); } pre .del { color: var(--fail); }
pre .c { color: #1d4ed8; } pre .s { color: #374151; }
ul.failures li, ul.divergences li { margin-bottom: 8px; }
.diagram { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 4px; }
details > summary { cursor: pointer; margin: 4px 0; }
svg text { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; fill: var(--fg); }
svg .node rect { fill: #fff; stroke: #374151; stroke-width: 1.2; }
svg .node.external rect { fill: #f3f4f6; stroke-dasharray: 2 2; }
svg .node.partial rect { stroke-dasharray: 2 3; }
svg .node.place-support rect { fill: #eff6ff; stroke: #2563eb; }
svg .node-title { font-weight: 700; }
svg .node-sub { fill: var(--muted); font-size: 11px; }
svg .lifeline { stroke: #d1d5db; stroke-width: 1; }
svg .flow-label { font-size: 11px; }
svg .flow-label.support { fill: #2563eb; }
svg .note-text { font-size: 11px; }
svg .band-label, svg .legend-text { fill: var(--muted); font-size: 11px; }
ol.paths { margin: 6px 0; padding-left: 20px; font: 12px ui-monospace, "DejaVu Sans Mono", monospace; }
`;
