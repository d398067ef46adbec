import CkptTestSupport
import Foundation
import Testing

extension FormatManifest {
    /// `ckpt inspect FIXTURE --json` of the fixture this manifest describes, checked as every format's fixtures are:
    /// exit 0, the manifest's format, its keys in its order. Returns the document and its tensor rows.
    func inspected(_ fixture: String) throws -> (document: [String: Any], rows: [[String: Any]]) {
        let r = try CLIRunner.run(["inspect", Fixtures.path(fixture), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout) \(r.stderr)")
        #expect(j["format"] as? String == format)
        let rows = try #require(j["tensors"] as? [[String: Any]])
        #expect(rows.map { $0["key"] as? String } == tensors.map(\.key))
        return (j, rows)
    }
}
