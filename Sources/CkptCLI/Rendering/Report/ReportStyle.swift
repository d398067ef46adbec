/// The page's style sheet: system fonts only, colours as variables with a dark set for `prefers-color-scheme: dark`.
enum ReportStyle {
    static let css = #"""
    :root {
      color-scheme: light dark;
      --bg: #ffffff; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --panel: #f6f8fa; --accent: #0969da;
      --row-hover: #eef4fb; --changed-bg: #fff4d6; --changed-edge: #d97706; --bar: #8c959f;
      --leaf-l: 62%; --leaf-s: 45%; --unchanged: #d8dee4; --structure: #8250df; --flag: #cf222e;
      --mono: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --panel: #161b22; --accent: #4493f8;
        --row-hover: #1c2a3a; --changed-bg: #3a2a06; --changed-edge: #f0a020; --bar: #6e7681;
        --leaf-l: 42%; --leaf-s: 40%; --unchanged: #30363d; --structure: #a371f7; --flag: #ff7b72;
      }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
    main { max-width: 1280px; margin: 0 auto; padding: 20px 24px 48px; }
    h1 { font-size: 20px; margin: 0 0 4px; }
    h2 { font-size: 16px; margin: 28px 0 8px; }
    .sub, .note, figcaption { color: var(--muted); }
    .sub { margin: 0; word-break: break-all; }
    code, .mono, td.key, .tip-title { font-family: var(--mono); font-size: 12.5px; }
    section { margin-top: 8px; }
    .summary-row { display: flex; flex-wrap: wrap; gap: 14px 28px; align-items: flex-start; margin: 12px 0; }
    .cards { display: flex; flex-wrap: wrap; gap: 10px; max-width: 760px; }
    .card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 110px; }
    .card .label { color: var(--muted); font-size: 12px; }
    .card .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .card.alert .value { color: var(--flag); }
    .verdict { font-size: 15px; font-weight: 600; margin: 12px 0 0; }
    ul.diagnosis { margin: 6px 0; padding-left: 20px; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
    th { position: sticky; top: 0; background: var(--panel); font-weight: 600; font-size: 12.5px; white-space: nowrap; }
    th.sortable { cursor: pointer; user-select: none; }
    th.sortable:hover { color: var(--accent); }
    th[aria-sort="ascending"]::after { content: " ▲"; font-size: 10px; }
    th[aria-sort="descending"]::after { content: " ▼"; font-size: 10px; }
    td.num, th.num { text-align: right; }
    td.key { word-break: break-all; min-width: 180px; }
    tbody tr.row { cursor: pointer; }
    tbody tr.row:hover { background: var(--row-hover); }
    tr.changed { background: var(--changed-bg); }
    tr.changed td:first-child { box-shadow: inset 3px 0 var(--changed-edge); }
    tr.detail > td { background: var(--panel); padding: 10px 14px; }
    .table-wrap { max-height: 80vh; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
    .table-wrap table { width: 100%; }
    .toolbar { display: flex; align-items: center; gap: 12px; margin: 6px 0; }
    .toolbar input { font: inherit; padding: 4px 8px; width: 320px; max-width: 60vw; color: var(--fg);
      background: var(--bg); border: 1px solid var(--line); border-radius: 6px; }
    .flag { display: inline-block; margin-left: 4px; padding: 0 5px; border-radius: 8px; font-size: 11px;
      font-weight: 600; color: #fff; background: var(--flag); }
    .status { font-size: 12px; white-space: nowrap; }
    .status.changed { color: var(--changed-edge); font-weight: 600; }
    .status.structure { color: var(--structure); font-weight: 600; }
    svg { display: block; }
    svg text { fill: var(--fg); font-size: 11px; }
    .chart { width: 100%; overflow-x: auto; }
    #treemap { width: 100%; min-height: 200px; }
    .leaf { stroke: var(--bg); stroke-width: 0.5; }
    .leaf:hover, .bar:hover { opacity: 0.8; }
    .group-outline { fill: none; stroke: var(--fg); stroke-opacity: 0.55; pointer-events: none; }
    .group-label { pointer-events: none; font-weight: 600; paint-order: stroke; stroke: var(--bg); stroke-width: 3px; }
    .hist-bars { fill: var(--accent); }
    .hist-bin { fill: transparent; }
    .hist-bin:hover { fill: var(--accent); fill-opacity: 0.25; }
    .axis { stroke: var(--line); }
    .axis-zero { stroke: var(--muted); stroke-dasharray: 2 2; }
    .bar.unchanged { fill: var(--unchanged); }
    .band { fill: var(--panel); }
    .legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; margin: 6px 0; color: var(--muted); font-size: 12px; }
    .legend-item { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
    td.values { white-space: nowrap; }
    .ramp { width: 180px; height: 10px; border-radius: 2px; border: 1px solid var(--line); }
    .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -2px; }
    canvas.heat { image-rendering: pixelated; border: 1px solid var(--line); display: block; }
    .detail-grid { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
    #tip { position: fixed; z-index: 10; max-width: 460px; pointer-events: none; background: var(--panel);
      color: var(--fg); border: 1px solid var(--line); border-radius: 6px; padding: 6px 9px; font-size: 12.5px;
      box-shadow: 0 4px 14px rgba(0,0,0,.18); }
    #tip .tip-title { font-weight: 600; word-break: break-all; margin-bottom: 2px; }
    .keys { columns: 2 320px; margin: 4px 0; padding-left: 20px; }
    .keys li { word-break: break-all; }
    footer { max-width: 1280px; margin: 0 auto; padding: 0 24px 32px; color: var(--muted); font-size: 12px; }
    """#
}
