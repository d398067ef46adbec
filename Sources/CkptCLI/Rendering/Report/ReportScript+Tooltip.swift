extension ReportScript {
    /// One tooltip for the page: elements registered with `tipOn` show their lines on hover, and on tap (a tap
    /// elsewhere hides it), so it works with a mouse, a pen and a finger.
    static let tooltip = #"""
    const tipBox = document.getElementById('tip');
    const tips = new WeakMap();
    function tipOn(node, lines) { tips.set(node, lines); node.classList.add('has-tip'); return node; }
    function tipFor(target) {
      for (let n = target; n && n !== document; n = n.parentNode) if (tips.has(n)) return tips.get(n);
      return null;
    }
    function showTip(lines, x, y) {
      tipBox.replaceChildren(...lines.map((line, i) => el('div', {class: i === 0 ? 'tip-title' : null, text: line})));
      tipBox.hidden = false;
      const w = tipBox.offsetWidth, h = tipBox.offsetHeight;
      tipBox.style.left = Math.max(4, Math.min(x + 14, innerWidth - w - 4)) + 'px';
      tipBox.style.top = (y + 16 + h > innerHeight ? Math.max(4, y - h - 10) : y + 16) + 'px';
    }
    function hideTip() { tipBox.hidden = true; }
    document.addEventListener('mousemove', e => {
      const lines = tipFor(e.target);
      if (lines) showTip(lines(e), e.clientX, e.clientY); else hideTip();
    });
    document.addEventListener('click', e => {
      const lines = tipFor(e.target);
      if (lines) showTip(lines(e), e.clientX, e.clientY); else hideTip();
    });
    document.addEventListener('keydown', e => { if (e.key === 'Escape') hideTip(); });
    """#
}
