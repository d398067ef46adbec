extension ReportScript {
    /// |Δ| heat maps (`DeltaHeatmap`: the largest |a − b| per cell of a grid over the tensor as a matrix), drawn on a
    /// canvas cell by cell, each map scaled to its own largest cell.
    static let heatmap = #"""
    const INFERNO = [[0, 0, 4], [66, 10, 104], [147, 38, 103], [221, 81, 58], [252, 165, 10], [252, 255, 164]];
    function heatCells(map) {
      if (!map.values) {
        const bin = atob(map.cells), bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        map.values = new Float32Array(bytes.buffer);
      }
      return map.values;
    }
    // The rows and columns of the tensor that grid cell (gr, gc) covers.
    function heatSpan(map, gr, gc) {
      const first = (j, n, g) => Math.ceil(j * n / g);
      return [first(gr, map.rows, map.grid_rows), first(gr + 1, map.rows, map.grid_rows) - 1,
              first(gc, map.cols, map.grid_cols), first(gc + 1, map.cols, map.grid_cols) - 1];
    }
    // A canvas of the map, `scale` CSS pixels per cell (at most `maxWidth` wide).
    function heatCanvas(map, maxWidth, maxHeight) {
      const v = heatCells(map), top = map.max_abs > 0 ? map.max_abs : 1;
      const canvas = el('canvas', {class: 'heat', width: map.grid_cols, height: map.grid_rows, 'data-key': map.key});
      const ctx = canvas.getContext('2d'), image = ctx.createImageData(map.grid_cols, map.grid_rows);
      for (let i = 0; i < v.length; i++) {
        image.data.set([...rampRGB(INFERNO, Math.sqrt(v[i] / top)), 255], 4 * i);
      }
      ctx.putImageData(image, 0, 0);
      const scale = Math.max(1, Math.min(maxWidth / map.grid_cols, maxHeight / map.grid_rows));
      canvas.style.width = Math.round(map.grid_cols * scale) + 'px';
      canvas.style.height = Math.round(map.grid_rows * scale) + 'px';
      return canvas;
    }
    function heatFigure(map) {
      const canvas = heatCanvas(map, 512, 320);
      tipOn(canvas, e => {
        const box = canvas.getBoundingClientRect();
        const gc = Math.min(map.grid_cols - 1, Math.floor((e.clientX - box.left) / box.width * map.grid_cols));
        const gr = Math.min(map.grid_rows - 1, Math.floor((e.clientY - box.top) / box.height * map.grid_rows));
        const [r0, r1, c0, c1] = heatSpan(map, gr, gc);
        return ['rows ' + r0 + (r1 > r0 ? '–' + r1 : '') + ', columns ' + c0 + (c1 > c0 ? '–' + c1 : ''),
                'max |Δ| ' + fmt.diff(heatCells(map)[gr * map.grid_cols + gc])];
      });
      const view = map.shape.length > 2 ? ' (viewed as ' + fmt.shape([map.rows, map.cols]) + ')' : '';
      return el('figure', {class: 'heat-figure'}, canvas,
        el('div', {class: 'legend'}, '0', el('span', {class: 'ramp', style: 'background: linear-gradient(to right, ' +
          [0, 0.2, 0.4, 0.6, 0.8, 1].map(t => rampColor(INFERNO, t)).join(', ') + ')'}), fmt.diff(map.max_abs) + ' (√ scale)'),
        el('figcaption', {text: 'max |Δ| per cell of a ' + map.grid_rows + '×' + map.grid_cols + ' grid over ' +
          fmt.shape(map.shape) + view}));
    }
    """#
}
