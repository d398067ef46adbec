extension ReportScript {
    /// The comparison's own views: change per layer in model order (a bar per layer, rel L2 on a log axis), and the
    /// keys whose structure differs (only on one side, other shapes or dtypes).
    static let changes = #"""
    // `layers.3` for `layers.3.attn.q`: the block a layer belongs to (first numbered component), for the bands.
    function blockOf(path) {
      const parts = path.split('.');
      const k = parts.findIndex((p, i) => i > 0 && /^\d+$/.test(p));
      return k > 0 ? parts.slice(0, k + 1).join('.') : parts[0];
    }
    function layerLines(l) {
      const lines = [l.path, l.changed + ' of ' + plural(l.tensors, 'tensor') + ' changed'];
      if (l.numel) lines.push('rel L2 ' + fmt.diff(l.rel_l2) + ', max |Δ| ' + fmt.diff(l.max_abs_diff) + ', mean |Δ| ' + fmt.diff(l.mean_abs_diff));
      if (l.shape_mismatch) lines.push(plural(l.shape_mismatch, 'shape mismatch', 'shape mismatches'));
      if (l.dtype_mismatch) lines.push(plural(l.dtype_mismatch, 'dtype mismatch', 'dtype mismatches'));
      if (l.only_in_a) lines.push(fmt.int(l.only_in_a) + ' only in A');
      if (l.only_in_b) lines.push(fmt.int(l.only_in_b) + ' only in B');
      return lines;
    }
    const layerDiffers = l => l.changed + l.shape_mismatch + l.only_in_a + l.only_in_b > 0;

    function layerChart(layers, width) {
      const left = 52, top = 8, ph = 170, bottom = 34;
      const bw = Math.max(3, Math.min(36, (width - left - 8) / Math.max(1, layers.length)));
      const W = Math.max(width, left + bw * layers.length + 8), H = top + ph + bottom;
      const positive = layers.map(l => l.rel_l2).filter(r => r != null && r > 0);
      const hiExp = Math.max(0, Math.ceil(Math.log10(Math.max(1, ...positive))));
      const loExp = Math.max(-12, Math.min(hiExp - 1, Math.floor(Math.log10(Math.min(1, ...positive))) - (positive.length ? 0 : 6)));
      const y = r => top + ph * (1 - (Math.log10(r) - loExp) / (hiExp - loExp));
      const svg = svgEl('svg', {width: W, height: H, id: 'layer-chart', role: 'img', 'aria-label': 'relative L2 change per layer'});
      // Alternate bands mark the blocks; each is named below when its name fits.
      let start = 0, band = 0;
      layers.forEach((l, i) => {
        if (i + 1 < layers.length && blockOf(layers[i + 1].path) === blockOf(l.path)) return;
        // A numbered block by its last two components (model.layers.3 as layers.3), as in the treemap.
        const x = left + start * bw, w = (i + 1 - start) * bw, name = blockOf(l.path).split('.').slice(-2).join('.');
        if (band++ % 2 === 0) svg.append(svgEl('rect', {class: 'band', x, y: top, width: w, height: ph}));
        if (w > name.length * 6.2 + 4) svg.append(svgEl('text', {x: x + w / 2, y: top + ph + 14, 'text-anchor': 'middle', text: name}));
        start = i + 1;
      });
      for (let e = loExp; e <= hiExp; e++) {
        svg.append(svgEl('line', {class: 'axis', x1: left - 4, x2: W, y1: y(10 ** e), y2: y(10 ** e)}));
        svg.append(svgEl('text', {x: left - 6, y: y(10 ** e) + 4, 'text-anchor': 'end', text: '1e' + e}));
      }
      layers.forEach((l, i) => {
        const x = left + i * bw + 0.5, w = Math.max(1.5, bw - 1);
        const differs = layerDiffers(l), r = l.rel_l2;
        let attrs;
        if (!differs) attrs = {class: 'bar unchanged', y: top + ph - 2, height: 2};
        else if (r != null && r > 0) attrs = {class: 'bar changed', y: y(r), height: top + ph - y(r), style: 'fill: ' + changeColor(r)};
        else attrs = {class: 'bar changed', y: top, height: ph, style: 'fill: var(' + (l.changed ? '--flag' : '--structure') + ')'};
        svg.append(tipOn(svgEl('rect', Object.assign({x, width: w, 'data-path': l.path}, attrs)), () => layerLines(l)));
      });
      svg.append(svgEl('text', {x: left, y: H - 4, class: 'note', text: 'layers in model order →'}));
      return svg;
    }

    function changeLegend() {
      const item = (...parts) => el('span', {class: 'legend-item'}, parts);
      const swatch = color => el('span', {class: 'swatch', style: 'background: ' + color});
      return el('div', {class: 'legend'}, item('rel L2:'), item(swatch('var(--unchanged)'), ' unchanged'),
        item('1e-6 ', el('span', {class: 'ramp', style: 'background: linear-gradient(to right, ' + [0, 0.33, 0.67, 1].map(t => rampColor(RAMP, t)).join(', ') + ')'}), ' ≥ 1'),
        item(swatch('var(--structure)'), ' other shape, or on one side only'), item(swatch('var(--flag)'), ' NaN/Inf disagree, or B is 0'));
    }

    // Keys only on one side (grouped as `diff` groups them), shape and dtype mismatches.
    function structureLists() {
      const d = D.diff, rowsA = new Map(D.a.inspect.tensors.map(t => [t.key, t])), rowsB = new Map(D.b.inspect.tensors.map(t => [t.key, t]));
      const about = (rows, k) => { const t = rows.get(k); return t ? '  ' + t.dtype + ' ' + fmt.shape(t.shape) : ''; };
      const list = (id, title, groups, rows) => groups.length ? el('div', {id},
        el('h3', {text: title}), el('ul', {class: 'keys'}, groups.map(g => el('li', {'data-keys': g.keys.length},
          el('code', {text: g.pattern}), about(rows, g.keys[0]), g.keys.length > 1 ? ' (' + g.keys.length + ' keys)' : '')))) : null;
      const shapes = d.shape_mismatch.length ? el('div', {id: 'shape-mismatch'}, el('h3', {text: 'shape mismatch (' + d.shape_mismatch.length + ')'}),
        el('table', {}, el('thead', {}, el('tr', {}, ['key', 'A', 'B'].map(t => el('th', {text: t})))),
          el('tbody', {}, d.shape_mismatch.map(m => el('tr', {'data-key': m.key}, el('td', {class: 'key', text: m.key}),
            el('td', {class: 'mono', text: (rowsA.get(m.key) || {}).dtype + ' ' + fmt.shape(m.a)}),
            el('td', {class: 'mono', text: (rowsB.get(m.key) || {}).dtype + ' ' + fmt.shape(m.b)})))))) : null;
      const dtypes = d.dtype_mismatch.length ? el('div', {id: 'dtype-mismatch'}, el('h3', {text: 'dtype mismatch (' + d.dtype_mismatch.length + ')'}),
        el('table', {}, el('thead', {}, el('tr', {}, ['key', 'A', 'B', 'max |Δ|', 'rel L2'].map((t, k) => el('th', {class: k > 2 ? 'num' : null, text: t})))),
          el('tbody', {}, d.dtype_mismatch.map(m => el('tr', {'data-key': m.key}, el('td', {class: 'key', text: m.key}),
            el('td', {class: 'mono', text: m.a}), el('td', {class: 'mono', text: m.b}),
            el('td', {class: 'num', text: fmt.diff(m.max_abs_diff)}), el('td', {class: 'num', text: fmt.diff(m.rel_l2)})))))) : null;
      const parts = [list('only-in-a', 'only in A (' + d.only_in_a.length + ')', D.only_in_a_groups, rowsA),
                     list('only-in-b', 'only in B (' + d.only_in_b.length + ')', D.only_in_b_groups, rowsB), shapes, dtypes];
      return parts.some(p => p) ? section('structure', 'Keys and shapes that differ', parts) : null;
    }
    """#
}
