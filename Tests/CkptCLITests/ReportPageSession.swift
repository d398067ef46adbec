import CkptTestSupport
import Foundation
import Testing

/// A report written by the built `ckpt` and opened from disk in headless chromium, with what the page asked of the
/// network and logged; the folder and the browser go away with `close()`.
final class ReportPageSession {
    let folder: URL
    let html: URL
    let browser: HeadlessBrowser
    let page: HeadlessBrowser.Page
    /// `ckpt report`'s stdout.
    let output: String

    /// Runs `ckpt report ARGS -o report.html` (in `directory`, when given) and opens the page from disk, in a tab of
    /// `width`×`height` CSS pixels.
    init(_ args: [String], in directory: URL? = nil, width: Int = 1200, height: Int = 900, dark: Bool = false) throws {
        folder = try Temporary.folder()
        html = folder.appendingPathComponent("report.html")
        let r = try CLIRunner.run(["report"] + args + ["-o", html.path], directory: directory)
        guard r.status == 0, r.stderr.isEmpty else {
            Temporary.remove(folder)
            throw BrowserError("ckpt report \(args) exited \(r.status): \(r.stderr)")
        }
        output = r.stdout
        browser = try HeadlessBrowser()
        page = try browser.newPage(width: width, height: height, dark: dark)
        try page.open(html)
    }

    func close() {
        browser.close()
        Temporary.remove(folder)
    }

    /// A JavaScript expression's value.
    func js(_ expression: String) throws -> Any? { try page.evaluate(expression) }

    /// The strings an expression returns (an array of strings).
    func strings(_ expression: String) throws -> [String] { try js(expression) as? [String] ?? [] }

    /// The page loaded, drew itself, logged nothing and asked for nothing but its own file.
    func expectCleanLoad(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try js("document.getElementById('report').dataset.ready") as? String == "true", sourceLocation: sourceLocation)
        #expect(page.problems.isEmpty, "console, exceptions, log: \(page.problems)", sourceLocation: sourceLocation)
        #expect(page.requests == [html.absoluteString], "requests: \(page.requests)", sourceLocation: sourceLocation)
    }

    /// A screenshot of the top `height` pixels that is not blank: many colours, much drawn on the background.
    /// Written to `$CKPT_SCREENSHOTS/<name>` when given a name and that variable names a folder (`make screenshots`).
    @discardableResult
    func expectScreenshot(saveAs name: String? = nil, width: Int = 1200, height: Int = 900,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> PNGImage {
        let data = try page.screenshot(height: height, width: width)
        let image = try PNGImage(data)
        #expect(image.width == width && image.height == height, sourceLocation: sourceLocation)
        #expect(image.distinctColors() > 64, "a nearly uniform screenshot", sourceLocation: sourceLocation)
        #expect(image.nonBackgroundFraction > 0.15, "mostly background: \(image.nonBackgroundFraction)", sourceLocation: sourceLocation)
        if let name, let dir = ProcessInfo.processInfo.environment["CKPT_SCREENSHOTS"], !dir.isEmpty {
            let target = URL(fileURLWithPath: dir, relativeTo: Fixtures.packageRoot).appendingPathComponent(name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
        return image
    }

    /// The JSON a command prints, decoded exactly (JSONDecoder: Foundation's JSONSerialization rounds some doubles).
    static func decode<T: Decodable>(_ type: T.Type, _ args: [String]) throws -> T {
        try JSONDecoder().decode(type, from: Data(try CLIRunner.run(args).stdout.utf8))
    }

    /// What the tests read of `inspect --stats --json`.
    struct Inspect: Decodable {
        struct Row: Decodable { var key: String; var stats: Stats? }
        struct Stats: Decodable { var min, max, mean, std: Double?; var nan, inf: Int }
        var tensors: [Row]
    }

    /// What the tests read of `diff --json`'s `changed` entries.
    struct Diff: Decodable {
        struct Value: Decodable {
            var key: String
            var max_abs_diff, mean_abs_diff: Double
            var mismatched: Int
            var rel_l2: Double?
        }
        var changed: [Value]
    }

    /// The JSON a command prints (`ckpt inspect --stats --json FILE` …), parsed (integers and strings; use `decode`
    /// for doubles).
    static func json(_ args: [String]) throws -> [String: Any] {
        let r = try CLIRunner.run(args)
        guard let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw FixtureError("\(args): not a JSON object: \(r.stdout.prefix(200)) \(r.stderr)")
        }
        return object
    }
}
