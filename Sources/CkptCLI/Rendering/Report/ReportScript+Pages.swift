extension ReportScript {
    /// The page of one checkpoint: totals, the treemap of parameters, and the table of tensors with histograms.
    static let checkpointPage = #"""
    const hue = index => Math.round((index * 137.508 + 210) % 360);
    const numCell = x => el('span', {'data-value': x == null ? '' : String(x), text: fmt.stat(x)});

    function checkpointPage(root) {
      const side = D.a, buffers = new Set(side.buffers);
      const rows = side.inspect.tensors.map((t, index) => Object.assign({index}, t));
      const byKey = new Map(rows.map(r => [r.key, r]));
      const tops = new Map(side.tree.children.map((c, i) => [c.path, i]));
      const box = el('div', {id: 'treemap'});
      const stat = name => ({title: name, num: true, value: r => r.stats ? r.stats[name] : null, cell: r => numCell(r.stats ? r.stats[name] : null)});
      const table = dataTable(rows, [
        {title: '#', num: true, value: r => r.index, cell: r => String(r.index + 1)},
        {title: 'key', value: r => r.key, cls: 'key', cell: r => [r.key, r.shared_with ? el('span', {class: 'note', text: ' = ' + r.shared_with}) : null]},
        {title: 'dtype', value: r => r.dtype, cls: 'mono', cell: r => r.dtype},
        {title: 'shape', value: r => r.shape.length ? r.shape.reduce((a, b) => a * b, 1) : 0, cls: 'mono', cell: r => fmt.shape(r.shape)},
        {title: 'numel', num: true, value: r => r.numel, cell: r => el('span', {'data-value': r.numel, text: fmt.int(r.numel)})},
        {title: 'bytes', num: true, value: r => r.bytes, cell: r => el('span', {'data-value': r.bytes, text: fmt.bytes(r.bytes)})},
        stat('min'), stat('max'), stat('mean'), stat('std'),
        {title: 'values', cls: 'values', value: r => r.stats ? r.stats.nan + r.stats.inf : null, cell: r => [
          r.histogram ? histogramSpark(r.histogram, 120, 24) : el('span', {class: 'note', text: r.numel ? 'no finite values' : 'empty'}),
          r.stats && r.stats.nan ? el('span', {class: 'flag flag-nan', text: 'NaN ' + fmt.int(r.stats.nan)}) : null,
          r.stats && r.stats.inf ? el('span', {class: 'flag flag-inf', text: 'Inf ' + fmt.int(r.stats.inf)}) : null]},
      ], {id: 'tensor-table',
          rowClass: r => (buffers.has(r.key) ? 'buffer' : 'parameter') + (r.stats && r.stats.nan + r.stats.inf ? ' nonfinite' : ''),
          detail: r => r.histogram ? histogramChart(r) : el('p', {class: 'note', text: r.numel ? 'no finite values to draw' : 'no elements'})});
      fill(root, [
        section('totals', 'Totals', checkpointTotals(side)),
        section('modules', 'Parameters by module',
          el('p', {class: 'note', text: 'Area = elements (shared storage once); buffers are left out. Hover or tap a tensor.'}), box),
        section('tensors', 'Tensors', el('p', {class: 'note', text: 'Click a column to sort, a row for its histogram (bar height log(1 + count); NaN and Inf are counted apart).'}), table)]);
      treemapInto(box, side.tree, (leaf, top) => ({style: 'fill: hsl(' + hue(tops.get(top.path) || 0) + ' var(--leaf-s) var(--leaf-l))'}),
        leaf => tensorLines(byKey.get(leaf.tensor.key) || leaf.tensor));
    }
    """#

    /// The page of a comparison: verdict and counts, the treemap coloured by change, change per layer, keys that
    /// differ in structure, and the table of tensors with a |Δ| heat map per changed matrix.
    static let comparisonPage = #"""
    function comparisonPage(root) {
      const d = D.diff;
      const changed = new Map(d.changed.map(c => [c.key, c])), dtypes = new Map(d.dtype_mismatch.map(m => [m.key, m]));
      const shapes = new Map(d.shape_mismatch.map(m => [m.key, m])), onlyA = new Set(d.only_in_a), onlyB = new Set(d.only_in_b);
      const heat = new Map((D.heatmaps || []).map(h => [h.key, h]));
      const rowsB = new Map(D.b.inspect.tensors.map(t => [t.key, t]));
      const status = k => changed.has(k) ? 'changed' : dtypes.has(k) ? 'dtype' : shapes.has(k) ? 'shape'
        : onlyA.has(k) ? 'only in A' : onlyB.has(k) ? 'only in B' : d.values_compared ? 'unchanged' : 'not compared';
      const rows = D.a.inspect.tensors.concat(D.b.inspect.tensors.filter(t => onlyB.has(t.key)))
        .map((t, index) => Object.assign({}, t, {index, status: status(t.key), value: changed.get(t.key) || dtypes.get(t.key)}));
      const byKey = new Map(rows.map(r => [r.key, r]));
      const figure = (r, f) => r.value ? r.value[f] : null;
      const diffCell = f => r => el('span', {'data-value': r.value ? String(r.value[f]) : '', text: r.value ? fmt.diff(r.value[f]) : ''});
      const table = dataTable(rows, [
        {title: '#', num: true, value: r => r.index, cell: r => String(r.index + 1)},
        {title: 'key', value: r => r.key, cls: 'key', cell: r => r.key},
        {title: 'dtype', value: r => r.dtype, cls: 'mono', cell: r => dtypes.has(r.key) ? dtypes.get(r.key).a + ' → ' + dtypes.get(r.key).b : r.dtype},
        {title: 'shape', value: r => r.numel, cls: 'mono', cell: r => shapes.has(r.key) ? fmt.shape(shapes.get(r.key).a) + ' → ' + fmt.shape(shapes.get(r.key).b) : fmt.shape(r.shape)},
        {title: 'status', value: r => r.status, cell: r => el('span', {class: 'status ' + (r.status === 'changed' ? 'changed' : r.status === 'unchanged' ? '' : 'structure'), text: r.status})},
        {title: 'max |Δ|', num: true, value: r => figure(r, 'max_abs_diff'), cell: diffCell('max_abs_diff')},
        {title: 'mean |Δ|', num: true, value: r => figure(r, 'mean_abs_diff'), cell: diffCell('mean_abs_diff')},
        {title: 'mismatched', num: true, value: r => figure(r, 'mismatched'), cell: r => r.value ? el('span', {'data-value': r.value.mismatched,
          text: fmt.int(r.value.mismatched) + ' (' + fmt.pct(r.value.mismatched, r.value.numel) + ')'}) : ''},
        {title: 'rel L2', num: true, value: r => figure(r, 'rel_l2'), cell: diffCell('rel_l2')},
        {title: '|Δ| map', value: r => heat.has(r.key) ? heat.get(r.key).max_abs : null, cell: r => heat.has(r.key) ? heatCanvas(heat.get(r.key), 96, 36) : ''},
      ], {id: 'tensor-table', rowClass: r => r.status === 'changed' ? 'changed' : r.status === 'unchanged' ? '' : 'structure',
          detail: r => heat.has(r.key) ? heatFigure(heat.get(r.key))
            : el('p', {class: 'note', text: r.value ? 'a tensor of fewer than 2 dimensions: no map' : r.status}) });
      const box = el('div', {id: 'treemap'}), chart = el('div', {class: 'chart', id: 'layers'});
      fill(root, [
        section('summary', 'Summary', comparisonTotals()),
        section('change-per-layer', 'Change per layer',
          el('p', {class: 'note', text: 'Each layer\'s tensors together: rel L2 = √(Σ‖a − b‖² / Σ‖b‖²), in model order; where fine-tuning acted stands up.'}), chart),
        section('modules', 'Change by module',
          el('p', {class: 'note', text: 'A\'s parameters by module (area = elements), each tensor coloured by its rel L2 against B. Hover or tap a tensor.'}),
          changeLegend(), box),
        structureLists(),
        section('tensors', 'Tensors', el('p', {class: 'note', text: 'Changed tensors are highlighted. Click a column to sort, a changed matrix for its |Δ| map.'}), table)]);
      chart.append(layerChart(D.layers, chart.clientWidth || 960));
      treemapInto(box, D.a.tree, leaf => {
        const r = byKey.get(leaf.tensor.key), s = r ? r.status : 'unchanged';
        const fill = s === 'changed' ? changeColor(r.value.rel_l2) : s === 'dtype' && r.value && r.value.mismatched ? changeColor(r.value.rel_l2)
          : s === 'unchanged' || s === 'not compared' ? 'var(--unchanged)' : 'var(--structure)';
        return {style: 'fill: ' + fill, 'data-status': s};
      }, leaf => {
        const r = byKey.get(leaf.tensor.key) || leaf.tensor, lines = tensorLines(r);
        lines.push(r.status || 'unchanged');
        if (r.value) lines.push('rel L2 ' + fmt.diff(r.value.rel_l2) + ', max |Δ| ' + fmt.diff(r.value.max_abs_diff));
        return lines;
      });
    }
    """#
}
