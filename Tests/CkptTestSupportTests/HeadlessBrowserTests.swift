import CkptTestSupport
import Foundation
import Testing

/// The browser harness sees what the report tests rely on it to see: console errors, uncaught exceptions, refused
/// requests, and the pixels of a screenshot.
@Suite struct HeadlessBrowserTests {
    @Test func recordsProblemsRequestsAndPixels() throws {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let page = folder.appendingPathComponent("page.html")
        try """
            <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
            <style>body { margin: 0; background: #fff } div { width: 40px; height: 30px; background: #ff0000 }</style></head>
            <body><div></div><script>console.error('one'); fetch('http://127.0.0.1:9/x').catch(() => {}); setTimeout(() => { throw new Error('two') });</script></body></html>
            """.write(to: page, atomically: true, encoding: .utf8)
        let browser = try HeadlessBrowser()
        defer { browser.close() }
        let tab = try browser.newPage(width: 200, height: 100)
        try tab.open(page)
        #expect(try tab.evaluate("new Promise(r => setTimeout(() => r(document.querySelectorAll('div').length), 50))") as? Int == 1)
        let problems = tab.problems
        #expect(problems.contains("console.error: one"), "\(problems)")
        #expect(problems.contains { $0.hasPrefix("exception: ") && $0.contains("two") }, "\(problems)")
        #expect(problems.contains { $0.contains("Content Security Policy") }, "the refused fetch is logged: \(problems)")
        #expect(tab.requests.first == page.absoluteString)
        let image = try PNGImage(try tab.screenshot())
        #expect(image.width == 200 && image.height == 100)
        #expect(image.rgb(5, 5) == [255, 0, 0] && image.rgb(100, 50) == [255, 255, 255])
        #expect(image.distinctColors() == 2 && abs(image.nonBackgroundFraction - 0.94) < 0.01)
        #expect(throws: BrowserError.self) { try tab.evaluate("undefinedName.x") }
    }
}
