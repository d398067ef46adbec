extension ReportScript {
    /// The figures at the top: totals of one checkpoint (from `count` and `inspect`), or the verdict and counts of a
    /// comparison (from `diff`) with each side's totals and the diagnosis.
    static let summary = #"""
    function checkpointTotals(side) {
      const i = side.inspect, c = side.count;
      const nan = i.tensors.reduce((s, t) => s + (t.stats ? t.stats.nan : 0), 0);
      const inf = i.tensors.reduce((s, t) => s + (t.stats ? t.stats.inf : 0), 0);
      const dtypes = Object.entries(i.by_dtype).sort((x, y) => y[1].bytes - x[1].bytes || (x[0] < y[0] ? -1 : 1));
      return el('div', {}, el('div', {class: 'summary-row'},
        el('div', {class: 'cards'},
          card('total-parameters', 'parameters', c.parameters, fmt.int(c.parameters)),
          card('total-buffers', 'buffer elements', c.buffers, fmt.int(c.buffers)),
          card('total-tensors', 'tensors', i.tensors.length, fmt.int(i.tensors.length)),
          card('total-bytes', 'size (shared storage once)', i.unique_bytes, fmt.bytes(i.unique_bytes)),
          card('total-nonfinite', 'NaN / Inf values', nan + inf, fmt.int(nan) + ' / ' + fmt.int(inf), nan + inf > 0)),
        el('table', {id: 'by-dtype'},
          el('thead', {}, el('tr', {}, ['dtype', 'tensors', 'elements', 'bytes'].map((t, k) => el('th', {class: k ? 'num' : null, text: t})))),
          el('tbody', {}, dtypes.map(([d, t]) => el('tr', {'data-dtype': d},
            el('td', {class: 'mono', text: d}), el('td', {class: 'num', text: fmt.int(t.tensors)}),
            el('td', {class: 'num', text: fmt.int(t.numel)}), el('td', {class: 'num', text: fmt.bytes(t.bytes)})))))),
        (c.notes || []).map(n => el('p', {class: 'note', text: n})),
        metadataTable(i.metadata));
    }

    function metadataTable(meta) {
      const entries = Object.entries(meta || {});
      if (!entries.length) return null;
      return el('details', {}, el('summary', {text: 'metadata (' + entries.length + ')'}),
        el('table', {id: 'metadata'}, el('tbody', {}, entries.map(([k, v]) => el('tr', {},
          el('td', {class: 'mono', text: k}), el('td', {class: 'mono', text: typeof v === 'string' ? v : JSON.stringify(v)}))))));
    }

    // The verdict in the words of `ckpt diff`'s last line.
    function verdict(d) {
      if (d.identical) return 'identical: ' + plural(d.unchanged, 'tensor') + ', same keys, shapes, dtypes' + (d.values_compared ? ' and values' : '');
      const parts = [];
      if (d.changed.length) parts.push(fmt.int(d.changed.length) + ' changed');
      if (d.dtype_mismatch.length) parts.push(plural(d.dtype_mismatch.length, 'dtype mismatch', 'dtype mismatches'));
      if (d.shape_mismatch.length) parts.push(plural(d.shape_mismatch.length, 'shape mismatch', 'shape mismatches'));
      if (d.only_in_a.length) parts.push(fmt.int(d.only_in_a.length) + ' only in A');
      if (d.only_in_b.length) parts.push(fmt.int(d.only_in_b.length) + ' only in B');
      parts.push(fmt.int(d.unchanged) + ' unchanged');
      return 'different: ' + parts.join(', ');
    }

    function comparisonTotals() {
      const d = D.diff, sides = [D.a, D.b];
      const row = (label, f) => el('tr', {}, el('th', {scope: 'row', text: label}), sides.map(s => el('td', {class: 'num', text: f(s)})));
      const tolerance = d.atol || d.rtol ? 'an element differs when |a − b| > ' + d.atol + ' + ' + d.rtol + '·|b|' : 'exact comparison (any difference counts)';
      return el('div', {},
        el('p', {class: 'verdict', id: 'verdict', 'data-identical': d.identical, text: verdict(d)}),
        el('div', {class: 'summary-row'}, el('div', {class: 'cards'},
          card('count-changed', 'changed', d.changed.length, fmt.int(d.changed.length)),
          card('count-unchanged', 'unchanged', d.unchanged, fmt.int(d.unchanged)),
          card('count-dtype', 'dtype mismatch', d.dtype_mismatch.length, fmt.int(d.dtype_mismatch.length), d.dtype_mismatch.length > 0),
          card('count-shape', 'shape mismatch', d.shape_mismatch.length, fmt.int(d.shape_mismatch.length), d.shape_mismatch.length > 0),
          card('count-only-a', 'only in A', d.only_in_a.length, fmt.int(d.only_in_a.length), d.only_in_a.length > 0),
          card('count-only-b', 'only in B', d.only_in_b.length, fmt.int(d.only_in_b.length), d.only_in_b.length > 0)),
        el('table', {id: 'sides'},
          el('thead', {}, el('tr', {}, el('th', {}), el('th', {class: 'num', text: 'A'}), el('th', {class: 'num', text: 'B'}))),
          el('tbody', {},
            row('format', s => s.inspect.format), row('tensors', s => fmt.int(s.inspect.tensors.length)),
            row('parameters', s => fmt.int(s.count.parameters)), row('buffer elements', s => fmt.int(s.count.buffers)),
            row('size', s => fmt.bytes(s.inspect.unique_bytes))))),
        d.diagnosis.length ? el('ul', {class: 'diagnosis', id: 'diagnosis'}, d.diagnosis.map(t => el('li', {text: 'diagnosis: ' + t}))) : null,
        el('p', {class: 'note', text: tolerance + '; values compared as float64; rel L2 = ‖a − b‖ / ‖b‖.'}));
    }
    """#
}
