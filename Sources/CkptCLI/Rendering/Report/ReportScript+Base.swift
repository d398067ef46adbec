extension ReportScript {
    /// The data, element builders and number formats shared by every piece.
    static let base = #"""
    const D = JSON.parse(document.getElementById('ckpt-data').textContent);
    const SVGNS = 'http://www.w3.org/2000/svg';

    // Sets attributes: `text` is textContent, `on…` adds a listener, null/false are left out.
    function setAttrs(node, attrs) {
      for (const [k, v] of Object.entries(attrs || {})) {
        if (v == null || v === false) continue;
        if (k === 'text') node.textContent = v;
        else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : String(v));
      }
      return node;
    }
    function fill(node, children) {
      for (const c of children.flat(Infinity)) {
        if (c == null || c === false) continue;
        node.append(c instanceof Node ? c : document.createTextNode(String(c)));
      }
      return node;
    }
    function el(tag, attrs, ...children) { return fill(setAttrs(document.createElement(tag), attrs), children); }
    function svgEl(tag, attrs, ...children) { return fill(setAttrs(document.createElementNS(SVGNS, tag), attrs), children); }

    const fmt = {
      // 61706 → 61,706
      int: n => Number(n).toLocaleString('en-US'),
      // Binary units as the text output prints them: 772 B, 1.50 KiB, 241 KiB.
      bytes: n => {
        if (n < 1024) return n + ' B';
        const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
        let v = n / 1024, u = 0;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)) + ' ' + units[u];
      },
      shape: s => '[' + s.join(', ') + ']',
      // C's %.4g, as the text output prints statistics ('-' when absent).
      stat: x => x == null ? '-' : x === 0 ? '0' : fmtG(x, 4),
      // C's %.3e, as diff prints differences.
      diff: x => x == null ? 'n/a' : x === 0 ? '0' : expo(x.toExponential(3)),
      pct: (n, d) => d === 0 ? '' : n === d ? '100%' : (100 * n / d < 0.1 ? '<0.1%' : (100 * n / d).toFixed(1) + '%'),
    };
    function expo(s) { return s.replace(/e([+-])(\d)$/, 'e$10$2'); }
    function fmtG(x, p) {
      const t = x.toExponential(p - 1);
      const e = parseInt(t.split('e')[1], 10);
      if (e < -4 || e >= p) return expo(t.replace(/\.?0+e/, 'e'));
      const f = x.toFixed(Math.max(0, p - 1 - e));
      return f.includes('.') ? f.replace(/\.?0+$/, '') : f;
    }
    const plural = (n, one, many) => fmt.int(n) + ' ' + (n === 1 ? one : (many || one + 's'));

    // Change colours: rel L2 on a log scale from 1e-6 (pale) to 1 and beyond (dark red).
    const RAMP = [[253, 230, 138], [245, 158, 11], [220, 38, 38], [127, 29, 29]];
    function rampRGB(stops, t) {
      t = Math.max(0, Math.min(1, t)) * (stops.length - 1);
      const i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
      return stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
    }
    const rampColor = (stops, t) => 'rgb(' + rampRGB(stops, t).join(',') + ')';
    const changeT = r => r == null ? 1 : (Math.log10(Math.max(r, 1e-6)) + 6) / 6;
    const changeColor = r => rampColor(RAMP, changeT(r));

    function section(id, title, ...children) { return el('section', {id}, el('h2', {text: title}), children); }
    function card(id, label, value, shown, alert) {
      return el('div', {class: 'card' + (alert ? ' alert' : ''), id, 'data-value': value},
        el('div', {class: 'label', text: label}), el('div', {class: 'value', text: shown}));
    }
    """#
}
