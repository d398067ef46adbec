extension ReportScript {
    /// Histograms of a tensor's finite values (`TensorHistogram`: dyadic bins from `lo` in steps of `width`), bar
    /// heights by log(1 + count) so that a few outliers stay visible beside the bulk.
    static let histogram = #"""
    function binEdges(h, i) { return [h.lo + i * h.width, h.lo + (i + 1) * h.width]; }
    function histHeights(h, height) {
      const top = Math.log1p(Math.max(...h.counts));
      return h.counts.map(c => c === 0 ? 0 : Math.max(1, height * Math.log1p(c) / top));
    }

    // A sparkline: one path, `w`×`h` pixels.
    function histogramSpark(h, w, height) {
      const n = h.counts.length, bw = w / n, hs = histHeights(h, height);
      let d = '';
      hs.forEach((v, i) => { if (v > 0) d += 'M' + (i * bw).toFixed(2) + ' ' + height + 'v' + (-v).toFixed(2) + 'h' + Math.max(bw - 0.4, 0.6).toFixed(2) + 'v' + v.toFixed(2) + 'z'; });
      return svgEl('svg', {width: w, height, class: 'hist', 'data-bins': n, role: 'img',
                           'aria-label': 'histogram of ' + n + ' bins'},
        svgEl('path', {class: 'hist-bars', d}));
    }

    // A larger histogram with its range, zero marked, and each bin's edges and count on hover.
    function histogramChart(row) {
      const h = row.histogram, s = row.stats, w = 480, height = 120, pad = 18;
      const n = h.counts.length, bw = w / n, hs = histHeights(h, height);
      const chart = svgEl('svg', {width: w, height: height + pad, class: 'hist-large'});
      chart.append(svgEl('line', {class: 'axis', x1: 0, x2: w, y1: height + 0.5, y2: height + 0.5}));
      const hi = h.lo + n * h.width;
      if (h.lo < 0 && hi > 0) {
        const x = w * (0 - h.lo) / (hi - h.lo);
        chart.append(svgEl('line', {class: 'axis-zero', x1: x, x2: x, y1: 0, y2: height}));
      }
      hs.forEach((v, i) => {
        chart.append(svgEl('rect', {class: 'hist-bars', x: i * bw, y: height - v, width: Math.max(bw - 0.6, 0.6), height: v}));
        const [a, b] = binEdges(h, i);
        chart.append(tipOn(svgEl('rect', {class: 'hist-bin', x: i * bw, y: 0, width: bw, height}),
          () => ['[' + fmtG(a, 6) + ', ' + fmtG(b, 6) + ')', plural(h.counts[i], 'value')]));
      });
      chart.append(svgEl('text', {x: 0, y: height + 14, text: fmt.stat(h.lo)}));
      chart.append(svgEl('text', {x: w, y: height + 14, 'text-anchor': 'end', text: fmt.stat(hi)}));
      const flags = [];
      if (s.nan) flags.push(el('span', {class: 'flag', text: 'NaN ×' + fmt.int(s.nan)}));
      if (s.inf) flags.push(el('span', {class: 'flag', text: 'Inf ×' + fmt.int(s.inf)}));
      return el('figure', {class: 'hist-figure'}, chart,
        el('figcaption', {text: 'bins of width ' + fmtG(h.width, 4) + ' (2^' + h.exponent + '); bar height log(1 + count); ' +
          'min ' + fmt.stat(s.min) + ', max ' + fmt.stat(s.max) + ', mean ' + fmt.stat(s.mean) + ', std ' + fmt.stat(s.std)}), flags);
    }
    """#
}
