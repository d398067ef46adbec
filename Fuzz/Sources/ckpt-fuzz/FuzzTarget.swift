import CkptCore
import CkptFormats
import CkptReports
import CkptWorkflows
import Foundation

/// One fuzz target: a name for `CKPT_FUZZ_TARGET`, optional set-up (fixture files beside the input), and what it
/// does with one input.
struct FuzzTarget {
    var name: String
    var setUp: (() -> Void)?
    var run: (UnsafeBufferPointer<UInt8>) -> Void

    /// Every target, readers first (README.md lists them with their seeds).
    static let all: [FuzzTarget] = [
        reader("torch-zip", .torchZip, file: "in.pt"),
        reader("torch-legacy", .torchLegacy, file: "in.pt"),
        pickle,
        reader("hdf5", .hdf5, file: "in.h5", warmUp: "hdf5/nested.h5"),
        reader("keras", .keras, file: "in.keras", warmUp: "hdf5/keras3.keras"),
        reader("safetensors", .safetensors, file: "in.safetensors"),
        reader("npy", .npy, file: "in.npy"),
        reader("npz", .npz, file: "in.npz"),
        sharded,
        reader("gguf", .gguf, file: "in.gguf"),
        reader("torchscript", .torchscript, file: "in.pt"),
        reader("torch-export", .torchExport, file: "in.pt2"),
        dcp,
        onnx,
        ModelTargets.printout,
        ModelTargets.forward,
        diff,
    ]

    /// Reads the input as `format` through its reader (no detection: every mutation stays with this reader),
    /// then does what `inspect --stats` and `count` do with it. `warmUp`, a fixture read once in the set-up, starts
    /// what is started once per process (the HDF5 helper process) outside the first input's time limit.
    static func reader(_ name: String, _ format: CheckpointFormat, file: String, warmUp: String? = nil) -> FuzzTarget {
        let setUp: (() -> Void)? = warmUp.map { fixture in
            { _ = try? Checkpoint.reader(for: format).read(MappedFile(path: FuzzScratch.fixtures + "/" + fixture)) }
        }
        return FuzzTarget(name: name, setUp: setUp) { bytes in
            let path = FuzzScratch.write(file, bytes)
            guard let mapped = try? MappedFile(path: path) else { return }
            guard let stateDict = try? Checkpoint.reader(for: format).read(mapped) else { return }
            exercise(stateDict.namingDataErrors(path))
        }
    }

    /// What the reports do with a state_dict read from a file: flatten it, count it, and (when its data is under
    /// 64 MiB) read every tensor's values for statistics.
    static func exercise(_ stateDict: StateDict) {
        _ = stateDict.metadata
        _ = stateDict.sharedWith
        _ = CountReport(stateDict: stateDict, depth: 2)
        let bytes = stateDict.tensors.values.reduce(0) { $0 &+ $1.byteCount }
        _ = try? InspectReport(file: "in", format: "fuzz", stateDict: stateDict, stats: bytes <= 64 << 20)
        for (_, value) in stateDict.metadata { _ = value.description }
    }

    /// The pickle VM: the input is `data.pkl` of a torch zip whose other records are fixed, so every mutation
    /// reaches the unpickler (and the globals scanner) instead of the zip reader.
    static let pickle = FuzzTarget(name: "pickle", setUp: nil) { bytes in
        let path = FuzzScratch.folder + "/pickle.pt"
        do {
            let zip = try ZipWriter(path: path)
            try zip.add("archive/data.pkl", bytes: Array(bytes))
            try zip.add("archive/data/0", bytes: [UInt8](repeating: 0x3f, count: 64))
            try zip.add("archive/data/1", bytes: [UInt8](repeating: 0x01, count: 16))
            try zip.add("archive/version", bytes: Array("3\n".utf8))
            try zip.finish()
        } catch { return }
        guard let mapped = try? MappedFile(path: path) else { return }
        _ = try? PickleGlobalScan.report(mapped, format: .torchZip)
        guard let stateDict = try? TorchZipReader.read(mapped) else { return }
        exercise(stateDict)
    }

    /// A Hugging Face index (`*.index.json`) over the committed shards: the input is the index.
    static let sharded = FuzzTarget(name: "sharded", setUp: {
        for shard in ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                      "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin", "extra.npz"] {
            FuzzScratch.copyFixture("flat/sharded/" + shard, as: shard)
        }
    }) { bytes in
        let path = FuzzScratch.write("model.safetensors.index.json", bytes)
        guard let mapped = try? MappedFile(path: path), let stateDict = try? ShardedReader.read(mapped) else { return }
        exercise(stateDict)
    }

    /// A torch.distributed.checkpoint folder: the input is its `.metadata`, beside the committed single-rank shard.
    static let dcp = FuzzTarget(name: "dcp", setUp: {
        try? FileManager.default.createDirectory(atPath: FuzzScratch.folder + "/dcp", withIntermediateDirectories: true)
        FuzzScratch.copyFixture("dcp_files/single/__0_0.distcp", as: "dcp/__0_0.distcp")
        FuzzScratch.copyFixture("dcp_files/sharded/__1_0.distcp", as: "dcp/__1_0.distcp")
    }) { bytes in
        let path = FuzzScratch.write("dcp/.metadata", bytes)
        guard let mapped = try? MappedFile(path: path), let stateDict = try? DCPReader.read(mapped) else { return }
        exercise(stateDict)
    }

    /// An ONNX model read as its weights, beside the external data file of the committed `external.onnx` (so that
    /// mutated `location`, `offset` and `length` fields reach the external-data path).
    static let onnx = FuzzTarget(name: "onnx", setUp: {
        FuzzScratch.copyFixture("onnx_files/external.onnx.data", as: "external.onnx.data")
    }) { bytes in
        let path = FuzzScratch.write("in.onnx", bytes)
        guard let mapped = try? MappedFile(path: path), let stateDict = try? ONNXReader.read(mapped) else { return }
        exercise(stateDict.namingDataErrors(path))
    }

    /// `diff` of two files: the input is a 4-byte little-endian length, file A, then file B (any formats, told
    /// apart by their bytes as ckpt does); A is also converted to the format named by its length's low bits.
    /// Each file is read once (as `diff` and `convert` read it), then compared twice (plain, and with maps and
    /// tolerances) and A written: reading the same bytes again would only repeat the same work (for HDF5 files,
    /// a forked child each time).
    static let diff = FuzzTarget(name: "diff", setUp: nil) { bytes in
        guard bytes.count >= 4 else { return }
        let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        let rest = UnsafeBufferPointer(rebasing: bytes[4...])
        let split = min(length, rest.count)
        let a = FuzzScratch.write("a", UnsafeBufferPointer(rebasing: rest[..<split]))
        let b = FuzzScratch.write("b", UnsafeBufferPointer(rebasing: rest[split...]))
        guard let readA = try? Checkpoint.read(reference: a) else { return }
        if let readB = try? Checkpoint.read(reference: b) {
            _ = try? Comparison.Sides(a, b, read: readA, readB).compare(DiffOptions())
            _ = try? Comparison.Sides(a, b, read: readA, readB, mapA: ["^(.*)$=x.$1"], mapB: ["^=x."])
                .compare(DiffOptions(atol: 1e-3, rtol: 1e-3, keysOnly: false))
        }
        let out = FuzzScratch.folder + "/out." + ["safetensors", "pt", "h5", "npz"][length & 3]
        guard let format = CheckpointFormat.forWriting(path: out) else { return }
        _ = try? Checkpoint.write(readA.stateDict, to: out, format: format)
    }
}
