extension ReportScript {
    /// The treemap of parameters by module: a squarified layout (Bruls, Huizing & van Wijk, 2000) of the `InspectTree`,
    /// area = elements with shared storage counted once, one rectangle per tensor, modules outlined and labelled.
    static let treemap = #"""
    // Lays `items` ({v, node}, v > 0, largest first) out in the rectangle; returns {node, x, y, w, h} each.
    function squarify(items, x, y, w, h) {
      const out = [];
      let total = items.reduce((s, it) => s + it.v, 0), i = 0;
      while (i < items.length) {
        const scale = w * h / total, side = Math.min(w, h);
        let j = i, sum = 0, worst = Infinity;
        while (j < items.length) {
          const s = sum + items[j].v, area = s * scale, a2 = area * area, s2 = side * side;
          const r = Math.max(s2 * items[i].v * scale / a2, a2 / (s2 * items[j].v * scale));
          if (r > worst) break;
          worst = r; sum = s; j++;
        }
        const thick = j === items.length ? (w >= h ? w : h) : sum * scale / side;
        let offset = 0;
        for (let k = i; k < j; k++) {
          const len = items[k].v / sum * side;
          out.push(w >= h ? {node: items[k].node, x, y: y + offset, w: thick, h: len}
                          : {node: items[k].node, x: x + offset, y, w: len, h: thick});
          offset += len;
        }
        if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
        total -= sum; i = j;
      }
      return out;
    }

    // Draws `tree` into `box`; `paint(leaf, top)` gives a leaf's attributes (colour), `lines(leaf)` its tooltip.
    function drawTreemap(box, tree, paint, lines) {
      const W = Math.max(320, Math.floor(box.clientWidth || 960)), H = Math.round(Math.max(240, Math.min(560, W * 0.4)));
      const leaves = svgEl('g', {class: 'leaves'}), outlines = svgEl('g', {}), labels = svgEl('g', {});
      // Labels wait for the layout, then go in by priority (numbered blocks such as layers.3 first, then top modules,
      // their children, deeper modules, tensors), each only where it fits its rectangle and overlaps no placed label.
      const wanted = [], placed = [];
      function lay(node, x, y, w, h, depth, top) {
        const kids = node.children.filter(c => c.unique_numel > 0).map(c => ({v: c.unique_numel, node: c}))
          .sort((a, b) => b.v - a.v);
        for (const r of squarify(kids, x, y, w, h)) {
          const c = r.node, t = depth === 0 ? c : top;
          if (c.tensor) {
            leaves.append(tipOn(setAttrs(svgEl('rect', {class: 'leaf', x: r.x, y: r.y, width: r.w, height: r.h,
              'data-key': c.tensor.key, 'data-numel': c.unique_numel}), paint(c, t)), () => lines(c)));
            if (r.w >= 56 && r.h >= 36) wanted.push({priority: 6, text: c.name, x: r.x, y: r.y + r.h - 18, w: r.w, h: r.h});
          } else {
            lay(c, r.x, r.y, r.w, r.h, depth + 1, t);
            outlines.append(svgEl('rect', {class: 'group-outline', x: r.x, y: r.y, width: r.w, height: r.h,
              'stroke-width': depth === 0 ? 1.5 : 0.6, 'data-path': c.path}));
            // A numbered block (layers.3, model.layers.3) names itself with its container; other groups by name. Deep
            // groups' labels were pushed innermost first, so q_proj wins over self_attn where both start at one corner.
            const numbered = /^\d+$/.test(c.name) && depth > 0;
            const priority = numbered ? 1 : depth === 0 ? 2 : depth === 1 ? 3 : 5;
            wanted.push({priority, text: numbered ? node.name + '.' + c.name : depth === 0 ? c.path : c.name, x: r.x, y: r.y, w: r.w, h: r.h});
          }
        }
      }
      function placeLabels() {
        wanted.sort((a, b) => a.priority - b.priority);
        for (const l of wanted) {
          const width = l.text.length * 6.6 + 8, box = {x: l.x, y: l.y, w: width, h: 17};
          if (width > l.w || l.h < 18) continue;
          if (placed.some(p => box.x < p.x + p.w && p.x < box.x + box.w && box.y < p.y + p.h && p.y < box.y + box.h)) continue;
          placed.push(box);
          labels.append(svgEl('text', {class: 'group-label', x: l.x + 4, y: l.y + 13, text: l.text}));
        }
      }
      const svg = svgEl('svg', {width: W, height: H, id: 'treemap-svg', role: 'img',
        'aria-label': 'treemap of ' + plural(tree.unique_numel, 'parameter') + ' by module'});
      if (tree.unique_numel > 0) { lay(tree, 0, 0, W, H, 0, null); placeLabels(); }
      else svg.append(svgEl('text', {x: 8, y: 20, text: 'no parameters to draw'}));
      svg.append(leaves, outlines, labels);
      box.replaceChildren(svg);
    }

    // Redraws on resize, so that the layout uses the width there is.
    function treemapInto(box, tree, paint, lines) {
      drawTreemap(box, tree, paint, lines);
      let pending = 0, width = box.clientWidth;
      addEventListener('resize', () => {
        clearTimeout(pending);
        pending = setTimeout(() => { if (box.clientWidth !== width) { width = box.clientWidth; drawTreemap(box, tree, paint, lines); } }, 150);
      });
    }

    function tensorLines(row) {
      const lines = [row.key, row.dtype + ' ' + fmt.shape(row.shape), plural(row.numel, 'element') + ', ' + fmt.bytes(row.bytes)];
      if (row.shared_with) lines.push('shares storage with ' + row.shared_with);
      return lines;
    }
    """#
}
