import CkptTestSupport
import Foundation
import Testing

/// Text that comes from a file is escaped wherever ckpt prints it, and errors raised while reading tensor data
/// name the file (issue 15's findings; fixtures from Fixtures/gen/hostile_inputs.py).
@Suite struct HostileTextTests {
    /// No control character but newline reaches the terminal.
    func expectNoRawControls(_ text: String, _ what: String) {
        let raw = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F ... 0x9F).contains($0.value) }
        #expect(raw.isEmpty, "\(what): raw \(raw.map { String($0.value, radix: 16) })")
    }

    @Test func keysWithControlCharactersAreEscapedInTablesAndErrors() throws {
        let path = Fixtures.path("hostile_inputs/control_keys.safetensors")
        let inspect = try CLIRunner.run(["inspect", path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        expectNoRawControls(inspect.stdout, "inspect")
        #expect(inspect.stdout.contains("evil\\x1b]0;pwned\\x07.weight"))
        #expect(inspect.stdout.contains("cr\\r.nul\\0.del\\x7f"))
        let show = try CLIRunner.run(["show", path, "evil"])
        #expect(show.status == 2)
        expectNoRawControls(show.stderr, "show's suggestions")
        for args in [["count", path, "--depth", "2"], ["inspect", path, "--tree"], ["diff", path, Fixtures.path("flat/single.safetensors")]] {
            let r = try CLIRunner.run(args)
            expectNoRawControls(r.stdout + r.stderr, args.joined(separator: " "))
        }
        // JSON keeps the key exactly (escaped as JSON).
        let json = try CLIRunner.run(["inspect", path, "--json"])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let keys = (doc?["tensors"] as? [[String: Any]])?.compactMap { $0["key"] as? String }
        #expect(keys?.contains("evil\u{1B}]0;pwned\u{07}.weight") == true)
    }

    /// Columns are measured on keys as shown (escaped), so a key with control characters does not push its row's
    /// details out of line with the others; PyTorch's message keeps its indents with the keys inside escaped.
    @Test func escapedKeysKeepColumnsAndPyTorchIndents() throws {
        let path = Fixtures.path("hostile_inputs/control_keys.safetensors")
        let diff = try CLIRunner.run(["diff", path, Fixtures.path("flat/single.safetensors")])
        let rows = diff.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.hasSuffix("]") }
        #expect(rows.count == 3, "\(diff.stdout)")
        #expect(Set(rows.map { $0.range(of: "float32")?.lowerBound.utf16Offset(in: $0) }).count == 1, "\(diff.stdout)")
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let model = dir.appendingPathComponent("net.model").path
        try "Net(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n)\n".write(toFile: model, atomically: false, encoding: .utf8)
        let load = try CLIRunner.run(["load-into", model, path])
        #expect(load.status == 1)
        expectNoRawControls(load.stdout, "load-into")
        #expect(load.stdout.contains("\n    Unexpected key(s) in state_dict: \"cr\\r.nul\\0.del\\x7f\", \"evil\\x1b]0;pwned\\x07.weight\"."),
                "\(load.stdout)")
    }

    @Test func zipMemberNamesAndModelTextAreEscapedInErrors() throws {
        let member = try CLIRunner.run(["inspect", Fixtures.path("hostile_inputs/control_member.npz")])
        #expect(member.status == 2 && member.errorLines.count == 1)
        expectNoRawControls(member.stderr, "zip member")
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let model = dir.appendingPathComponent("evil.model").path
        for text in ["Net(\n  (x): \u{1B}]0;pwned\u{07}Linear(in_features=2, out_features=2, bias=True)\n)\n",
                     "Ne\u{1B}[31mt(\n  (x): Linear(in_features=2, out_features=2, bias=True)\n)\n",
                     "Net(\n  (x\r\u{7F}): Linear(in_features=2, out_features=2, bias=True)\n)\n"] {
            try text.write(toFile: model, atomically: false, encoding: .utf8)
            for args in [["summary", model], ["count", model]] {
                let r = try CLIRunner.run(args)
                #expect(r.exitedNormally)
                expectNoRawControls(r.stdout + r.stderr, "\(args[0]) of \(text.debugDescription)")
            }
        }
    }

    /// A CRC-32 that does not match and a chunk that does not inflate surface only when values are read: every
    /// command that reads them names the file (it used to name the key, or the output file).
    @Test(arguments: ["hostile_inputs/crc_mismatch.npz", "hostile_inputs/corrupt_chunk.h5"])
    func dataErrorsNameTheFile(_ name: String) throws {
        let path = Fixtures.path(name)
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let out = dir.appendingPathComponent("out.safetensors").path
        for args in [["inspect", path, "--stats"], ["show", path, "w"], ["diff", path, path], ["convert", path, out]] {
            let r = try CLIRunner.run(args)
            #expect(r.status == 2 && r.errorLines.count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("ckpt: error: \(path): "), "\(args): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// A checkpoint with no tensors converts to an .npz that reads back (numpy's empty archive), with no keys.
    @Test func emptyCheckpointRoundTripsThroughNPZ() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let empty = dir.appendingPathComponent("empty.safetensors").path
        let header = Array("{}      ".utf8)
        try Data(withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header).write(to: URL(fileURLWithPath: empty))
        let npz = dir.appendingPathComponent("empty.npz").path
        let convert = try CLIRunner.run(["convert", empty, npz])
        #expect(convert.status == 0, "\(convert.stderr)")
        let inspect = try CLIRunner.run(["inspect", npz, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any]
        #expect((doc?["tensors"] as? [Any])?.isEmpty == true && doc?["format"] as? String == "npz")
    }
}
