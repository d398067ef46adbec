/// The page's script, in pieces of one job each (`ReportScript+*.swift`), joined in dependency order inside one
/// strict-mode function. It reads the JSON the page carries and builds every section with DOM calls
/// (`textContent`, never markup from data), so a key can hold any text.
enum ReportScript {
    static var source: String {
        ["(function () {", "'use strict';", base, tooltip, histogram, treemap, table, heatmap, summary, changes, checkpointPage,
         comparisonPage, start, "})();"].joined(separator: "\n")
    }

    /// Chooses the page from the data and draws it.
    static let start = #"""
    const root = document.getElementById('report');
    try {
      if (D.diff) comparisonPage(root); else checkpointPage(root);
      root.dataset.ready = 'true';
    } catch (e) {
      root.append(el('p', {class: 'flag', text: 'This page could not be drawn: ' + e.message}));
      throw e;
    }
    """#
}
