import CkptTestSupport
import Foundation
import Testing

/// `ckpt report` as a command: the data it writes into the page is what `inspect --stats --json`, `count --json`
/// and `diff --json` print; the page is one file that asks for nothing; bad arguments and unreadable files write
/// nothing.
@Suite struct ReportCommandTests {
    static let mixed = Fixtures.path("report/mixed.pt")
    static let pretrained = Fixtures.path("report/pretrained.safetensors")
    static let finetuned = Fixtures.path("report/finetuned.pt")

    /// Runs `ckpt report ARGS -o <tmp>/report.html --json`; returns the result, the document and the page.
    func report(_ args: [String]) throws -> (CLIRunner.Result, [String: Any], String) {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let out = folder.appendingPathComponent("report.html").path
        let r = try CLIRunner.run(["report"] + args + ["-o", out, "--json"])
        let document = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        return (r, document, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }

    func json(_ args: [String]) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: Data(try CLIRunner.run(args).stdout.utf8)) as? NSDictionary ?? [:]
    }

    @Test func oneCheckpointCarriesInspectAndCountDocuments() throws {
        let (r, document, page) = try report([Self.mixed])
        #expect(r.status == 0 && r.stderr.isEmpty)
        let side = try #require(document["a"] as? [String: Any])
        var inspect = try #require(side["inspect"] as? [String: Any])
        let rows = try #require(inspect["tensors"] as? [[String: Any]])
        #expect(rows.filter { $0["histogram"] != nil }.count == 11, "a histogram for each tensor with finite values")
        inspect["tensors"] = rows.map { var row = $0; row["histogram"] = nil; return row }
        #expect(NSDictionary(dictionary: inspect) == (try json(["inspect", "--stats", "--json", Self.mixed])))
        #expect(NSDictionary(dictionary: side["count"] as? [String: Any] ?? [:]) == (try json(["count", "--json", Self.mixed])))
        #expect(side["buffers"] as? [String] == ["norm.running_mean", "norm.running_var", "norm.num_batches_tracked", "mask", "ids"])
        // The page carries the same document.
        let embedded = try #require(Self.embeddedJSON(page))
        #expect(NSDictionary(dictionary: embedded) == NSDictionary(dictionary: document))
    }

    @Test func twoCheckpointsCarryTheDiffDocument() throws {
        let (r, document, page) = try report([Self.pretrained, Self.finetuned])
        #expect(r.status == 0, "the page is written: differences are not an error")
        #expect(NSDictionary(dictionary: document["diff"] as? [String: Any] ?? [:])
                == (try json(["diff", "--json", Self.pretrained, Self.finetuned])))
        #expect((document["heatmaps"] as? [[String: Any]])?.count == 13)
        #expect((document["layers"] as? [[String: Any]])?.count == 35)
        #expect(page.contains("data-kind=\"comparison\""))
        let text = try CLIRunner.run(["report", Self.pretrained, Self.finetuned, "-o", Temporary.path(".html")])
        #expect(text.stdout.hasPrefix("wrote ") && text.stdout.hasSuffix("; different: 28 changed, 25 unchanged (53 tensors in A, 53 in B); 13 |a-b| maps\n"))
    }

    @Test func pageIsSelfContained() throws {
        let (_, _, page) = try report([Self.pretrained, Self.finetuned])
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
        // No URL but the SVG namespace, no external resource, no font.
        let urls = page.components(separatedBy: "http").dropFirst().map { String($0.prefix(40)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") || $0.hasPrefix("-equiv") }, "\(urls)")
        for banned in ["<link", " src=", "@import", "url(", "@font-face"] { #expect(!page.contains(banned), "\(banned)") }
        #expect(page.components(separatedBy: "</script>").count == 3, "the data cannot end its script element")
    }

    @Test func errorsWriteNothing() throws {
        let folder = try Temporary.folder()
        defer { Temporary.remove(folder) }
        let out = folder.appendingPathComponent("r.html").path
        for args in [["report", Self.mixed], ["report", Self.mixed, "-o", out, "--atol", "1e-3"],
                     ["report", Fixtures.path("flat/bad_st_truncated.safetensors"), "-o", out],
                     ["report", Self.mixed, Fixtures.path("flat/bad_st_truncated.safetensors"), "-o", out],
                     ["report", Self.mixed, "-o", Self.mixed], ["report", Self.mixed, "-o", folder.path + "/missing/r.html"]] {
            let r = try CLIRunner.run(args)
            #expect(r.status == 2 && r.errorLines.count == 1 && r.stderr.hasPrefix("ckpt: error: "), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "no page, no temporary file")
        #expect(FileManager.default.fileExists(atPath: Self.mixed))
    }

    @Test func helpNamesTheOptions() throws {
        let r = try CLIRunner.run(["report", "--help"])
        #expect(r.status == 0)
        for o in ["-o <out.html>", "--atol", "--rtol", "--map-a", "--map-b", "--json"] { #expect(r.stdout.contains(o), "\(o)") }
        #expect(try CLIRunner.run(["--help"]).stdout.contains("report"))
    }

    /// The JSON in the page's `ckpt-data` script element.
    static func embeddedJSON(_ page: String) -> [String: Any]? {
        guard let start = page.range(of: "<script type=\"application/json\" id=\"ckpt-data\">"),
              let end = page.range(of: "</script>", range: start.upperBound ..< page.endIndex) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(page[start.upperBound ..< end.lowerBound].utf8)) as? [String: Any]
    }
}
