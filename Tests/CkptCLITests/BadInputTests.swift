import CkptTestSupport
import Foundation
import Testing

/// Hostile and broken input: every command answers with exit status 2 and one stderr line, never a crash.
@Suite struct BadInputTests {
    /// Fixtures to damage, in every format; those not yet committed are skipped.
    static let sources = ["show/tensors.pt", "show/views.pt", "reference/mlp.pt", "reference/mlp.legacy.pt",
                          "reference/mlp.safetensors", "reference/mlp.npz", "reference/mlp.flat.h5",
                          "reference/keras_mlp.keras", "reference/keras_mlp.weights.h5", "reference/dtypes.pt",
                          "gguf_files/types.gguf", "gguf_files/llama/model.quant.gguf"]
        .filter(Fixtures.exists)

    func expectOneLineError(_ r: CLIRunner.Result, _ what: String) {
        #expect(r.exitedNormally, "\(what): killed by a signal")
        #expect(r.status == 2, "\(what): status \(r.status), stderr \(r.stderr)")
        #expect(r.errorLines.count == 1, "\(what): \(r.stderr)")
        #expect(r.stderr.hasPrefix("ckpt: error: "), "\(what): \(r.stderr)")
    }

    @Test func missingFileDirectoryEmptyAndGarbage() throws {
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let empty = dir.appendingPathComponent("empty.pt").path
        let garbage = dir.appendingPathComponent("garbage.bin").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        var g = SystemRandomNumberGenerator()
        _ = FileManager.default.createFile(atPath: garbage, contents: Data((0 ..< 4096).map { _ in UInt8.random(in: 0 ... 255, using: &g) }))
        let out = dir.appendingPathComponent("out.safetensors").path
        for path in [dir.appendingPathComponent("missing.pt").path, dir.path, empty, garbage] {
            let all = [["inspect", path, "--json"], ["count", path], ["show", path, "x"], ["convert", path, out]]
            for args in path == garbage ? all : [all[0], all[3]] {
                let r = try CLIRunner.run(args)
                expectOneLineError(r, args.joined(separator: " "))
                #expect(r.stdout.isEmpty)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.safetensors").path))
    }

    @Test(arguments: sources) func truncatedCopiesAreErrors(_ source: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(source)))
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        let n = data.count
        for cut in Set([7, 64, n / 3, n - 23, n - 1]).sorted() where cut > 0 && cut < n {
            let path = dir.appendingPathComponent("cut\(cut)").path
            _ = FileManager.default.createFile(atPath: path, contents: data.prefix(cut))
            expectOneLineError(try CLIRunner.run(["inspect", path, "--stats"]), "\(source) cut at \(cut)")
        }
    }

    @Test(arguments: sources) func bitFlippedCopiesNeverCrash(_ source: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(source)))
        let dir = try Temporary.folder()
        defer { Temporary.remove(dir) }
        // Deterministic positions spread over the file, headers included.
        for (i, pos) in [5, 40, data.count / 2, data.count - 30].enumerated()
        where pos >= 0 && pos < data.count {
            var copy = data
            copy[pos] ^= UInt8(1 << (i % 8))
            let path = dir.appendingPathComponent("flip\(pos)").path
            _ = FileManager.default.createFile(atPath: path, contents: copy)
            do {
                let r = try CLIRunner.run(["inspect", path, "--stats", "--json"])
                #expect(r.exitedNormally, "\(source) flip at \(pos): crashed")
                #expect(r.status == 0 || r.status == 2, "\(source) flip at \(pos): status \(r.status)")
                if r.status != 0 { expectOneLineError(r, "\(source) flip at \(pos)") }
            }
        }
    }

    /// The format engineers' hostile files (lying sizes, 2^60-byte headers, 2^40-element datasets, `os.system`
    /// pickles, zip bombs…), whichever are committed: all refused with one line, values read or not.
    static let hostile: [String] = {
        let torch = ["evil_os_system.pt", "huge_numel.pt", "huge_shape.pt", "short_storage.pt", "truncated.pt",
                     "view_out_of_range.pt"].map { "torch_files/" + $0 }
        var out = torch.filter(Fixtures.exists)
        for dir in ["flat", "hdf5"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path(dir))) ?? []
            out += names.filter { $0.hasPrefix("bad_") }.sorted().map { dir + "/" + $0 }
        }
        return out
    }()

    @Test(arguments: hostile) func hostileFilesAreRefused(_ file: String) throws {
        expectOneLineError(try CLIRunner.run(["inspect", Fixtures.path(file), "--stats"]), file)
    }

    /// HDF5 files read the same when ckpt forks libhdf5's children itself (CKPT_HDF5_GUARD=fork, what happens where
    /// no helper process can run) as through the helper: sound, chunked and in-memory (deflated .keras) files
    /// alike; files that crash or fail libhdf5 are one-line errors either way (the wording may differ: where a
    /// corrupt file sends libhdf5 depends on the memory layout).
    @Test(arguments: ["hdf5/keras2_chunked.h5", "hdf5/keras3_deflated.keras", "hostile_inputs/hdf5_crash_heap.h5",
                      "hostile_inputs/corrupt_chunk.h5"])
    func hdf5ReadsTheSameWithoutTheHelper(_ name: String) throws {
        let args = ["inspect", Fixtures.path(name), "--stats"]
        let helper = try CLIRunner.run(args), forked = try CLIRunner.run(args, environment: ["CKPT_HDF5_GUARD": "fork"])
        #expect(helper.status == forked.status && helper.stdout == forked.stdout, "\(name): \(helper.stderr) \(forked.stderr)")
        if name.hasPrefix("hostile_inputs/") {
            expectOneLineError(helper, name)
            expectOneLineError(forked, name + " (forked)")
        } else {
            #expect(helper.status == 0 && helper.stderr == forked.stderr, "\(name): \(helper.stderr)")
        }
    }
}
