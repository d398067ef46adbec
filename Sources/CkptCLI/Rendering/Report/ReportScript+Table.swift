extension ReportScript {
    /// A table of tensors that sorts by any column (click a heading; again to reverse; a third time for file order)
    /// and filters by key: text matches anywhere (case-insensitive), a pattern with `*`, `?` or `[…]` is a glob over
    /// the whole key as in `inspect --filter`. A click on a row opens its detail (histogram, heat map) below it.
    static let table = #"""
    function globRegExp(pattern) {
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '*') re += '.*';
        else if (c === '?') re += '.';
        else if (c === '[') {
          const end = pattern.indexOf(']', i + 2);
          if (end < 0) { re += '\\['; continue; }
          let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
          if (body[0] === '!') body = '^' + body.slice(1);
          re += '[' + body + ']';
          i = end;
        } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
      }
      return new RegExp('^' + re + '$');
    }
    function keyMatcher(text) {
      text = text.trim();
      if (!text) return () => true;
      if (/[*?[]/.test(text)) { try { const re = globRegExp(text); return k => re.test(k); } catch (e) { /* as text */ } }
      const lower = text.toLowerCase();
      return k => k.toLowerCase().includes(lower);
    }

    // columns: {title, value(row) for sorting (number or string), cell(row) → node or text, num, cls}
    // options: {id, rowClass(row), detail(row) → node or null, placeholder}
    function dataTable(rows, columns, options) {
      const tbody = el('tbody');
      const count = el('span', {class: 'note', id: options.id + '-count'});
      const input = el('input', {type: 'search', id: options.id + '-filter', placeholder: options.placeholder || 'filter keys: text, or a glob like layers.*.weight',
                                 'aria-label': 'filter keys'});
      const entries = rows.map((row, index) => {
        const tr = el('tr', {class: 'row ' + (options.rowClass ? options.rowClass(row) : ''), 'data-key': row.key, 'data-index': index},
          columns.map(c => el('td', {class: (c.num ? 'num ' : '') + (c.cls || '')}, c.cell(row))));
        const entry = {row, index, tr, detail: null, open: false};
        tr.addEventListener('click', e => {
          if (!options.detail || e.target.closest('a, input, button')) return;
          entry.open = !entry.open;
          if (entry.open && !entry.detail) {
            const content = options.detail(row);
            entry.detail = content ? el('tr', {class: 'detail'}, el('td', {colspan: columns.length}, content)) : null;
          }
          if (entry.detail) { if (entry.open) tr.after(entry.detail); else entry.detail.remove(); }
        });
        return entry;
      });
      let order = entries.slice(), sortColumn = -1, direction = 0;
      function render() {
        const match = keyMatcher(input.value);
        const shown = order.filter(e => match(e.row.key));
        tbody.replaceChildren(...shown.flatMap(e => e.open && e.detail ? [e.tr, e.detail] : [e.tr]));
        count.textContent = shown.length === entries.length ? plural(entries.length, 'tensor') : fmt.int(shown.length) + ' of ' + plural(entries.length, 'tensor');
      }
      const heads = columns.map((c, i) => el('th', {class: 'sortable' + (c.num ? ' num' : ''), scope: 'col', tabindex: 0, text: c.title,
        onclick: () => sortBy(i), onkeydown: e => { if (e.key === 'Enter') sortBy(i); }}));
      function sortBy(i) {
        // First click: numbers largest first, text A to Z; second: the other way; third: file order.
        const first = columns[i].num ? -1 : 1;
        direction = sortColumn !== i ? first : direction === first ? -first : 0;
        sortColumn = direction === 0 ? -1 : i;
        heads.forEach((h, k) => h.setAttribute('aria-sort', k === sortColumn ? (direction === 1 ? 'ascending' : 'descending') : 'none'));
        order = entries.slice();
        if (sortColumn >= 0) {
          const value = columns[i].value;
          order.sort((a, b) => {
            const x = value(a.row), y = value(b.row);
            if (x == null || y == null) return x == null ? (y == null ? a.index - b.index : 1) : -1;
            return (x < y ? -1 : x > y ? 1 : a.index - b.index) * (x === y ? 1 : direction);
          });
        }
        render();
      }
      input.addEventListener('input', render);
      render();
      return el('div', {id: options.id},
        el('div', {class: 'toolbar'}, input, count),
        el('div', {class: 'table-wrap'}, el('table', {}, el('thead', {}, el('tr', {}, heads)), tbody)));
    }
    """#
}
