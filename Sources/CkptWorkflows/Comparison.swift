import CkptCore
import CkptFormats
import CkptReports
import OrderedCollections

/// `diff`: two checkpoints compared key by key (any formats, values as float64), streaming one tensor at a time.
/// A GGUF compared with another format takes Hugging Face names and row order first (`Checkpoint.aligned(with:)`).
public enum Comparison {
    /// Compares `a` and `b` (`FILE[#ENTRY]` each). `mapA`/`mapB` are `REGEX=REPLACEMENT` rules renaming each side's
    /// keys first (parsed before any file is read); `keysOnly` reads no tensor data.
    public static func run(_ a: String, _ b: String, atol: Double = 0, rtol: Double = 0, keysOnly: Bool = false,
                           mapA: [String] = [], mapB: [String] = [], progress: ProgressReporter = SilentProgress()) throws -> DiffReport {
        let sides = try Sides(a, b, mapA: mapA, mapB: mapB)
        return try sides.compare(DiffOptions(atol: atol, rtol: rtol, keysOnly: keysOnly), progress: progress)
    }

    /// Both checkpoints of a comparison, read (metadata only) and aligned: a GGUF under the other side's names,
    /// then each side's keys renamed by its map.
    public struct Sides {
        public let a: String
        public let b: String
        public let checkpointA: Checkpoint
        public let checkpointB: Checkpoint
        /// The tensors as compared: aligned and renamed, in each file's order.
        public let tensorsA: OrderedDictionary<String, TensorEntry>
        public let tensorsB: OrderedDictionary<String, TensorEntry>
        let keyMapA: KeyMap
        let keyMapB: KeyMap

        /// Reads `a` and `b` (`FILE[#ENTRY]`); the `REGEX=REPLACEMENT` maps are parsed before any file is read.
        public init(_ a: String, _ b: String, mapA: [String] = [], mapB: [String] = []) throws {
            let (keyMapA, keyMapB) = (try KeyMap(mapA), try KeyMap(mapB))
            try self.init(a, b, read: try Checkpoint.read(reference: a), try Checkpoint.read(reference: b), keyMapA, keyMapB)
        }

        /// Both sides of checkpoints already read from `a` and `b` (one read compared in several ways).
        public init(_ a: String, _ b: String, read readA: Checkpoint, _ readB: Checkpoint, mapA: [String] = [], mapB: [String] = []) throws {
            try self.init(a, b, read: readA, readB, try KeyMap(mapA), try KeyMap(mapB))
        }

        private init(_ a: String, _ b: String, read readA: Checkpoint, _ readB: Checkpoint, _ keyMapA: KeyMap, _ keyMapB: KeyMap) throws {
            self.keyMapA = keyMapA
            self.keyMapB = keyMapB
            self.a = a
            self.b = b
            checkpointA = try readA.aligned(with: readB)
            checkpointB = try readB.aligned(with: readA)
            tensorsA = try keyMapA.apply(to: checkpointA.stateDict.tensors)
            tensorsB = try keyMapB.apply(to: checkpointB.stateDict.tensors)
        }

        /// A's tensors as compared, as a state_dict keeping the buffers A's file records (renamed as its keys).
        public var stateDictA: StateDict { Self.stateDict(tensorsA, checkpointA, keyMapA) }
        public var stateDictB: StateDict { Self.stateDict(tensorsB, checkpointB, keyMapB) }

        static func stateDict(_ tensors: OrderedDictionary<String, TensorEntry>, _ checkpoint: Checkpoint, _ map: KeyMap) -> StateDict {
            var stateDict = StateDict(tensors: tensors)
            stateDict.bufferKeys = checkpoint.stateDict.bufferKeys.map { Set($0.map(map.apply)) }
            return stateDict
        }

        /// Compares the two sides' values (unless `options.keysOnly`), telling `progress` the bytes read.
        public func compare(_ options: DiffOptions, progress: ProgressReporter = SilentProgress()) throws -> DiffReport {
            var options = options
            let bytes = { (t: OrderedDictionary<String, TensorEntry>) in t.values.reduce(0) { $0 + $1.byteCount } }
            progress.begin("diff", totalBytes: options.keysOnly ? 0 : bytes(tensorsA) + bytes(tensorsB))
            options.progress = progress.advance
            let report = try DiffReport.compare(tensorsA, tensorsB, nameA: a, nameB: b, options: options)
            progress.finish()
            return report
        }
    }
}
