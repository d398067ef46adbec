import CkptCore

/// A global a pickle imports (`collections.OrderedDict`, `os.system`), and whether `torch.load(weights_only=True)` accepts it.
public struct PickleGlobal: Sendable, Codable, Hashable {
    public var module: String
    public var name: String
    public var allowed: Bool
    public init(module: String, name: String, allowed: Bool) { self.module = module; self.name = name; self.allowed = allowed }
    /// `module.name`.
    public var fullName: String { module + "." + name }
}

/// Lists a torch file's pickle globals without building anything (for `inspect --globals`); never fails on a refused global.
public enum PickleGlobalScan {
    /// What a scan found: the globals, and the opcodes `torch.load(weights_only=True)` would refuse.
    public struct Report: Sendable, Codable {
        /// Globals in first-use order, each once.
        public var globals: [PickleGlobal]
        /// Names of opcodes outside the weights-only set (`FRAME`, `STACK_GLOBAL`, `INST`), each once.
        public var refusedOpcodes: [String]
        /// True when every global and opcode is one `torch.load(weights_only=True)` accepts.
        public var weightsOnlyLoadable: Bool { globals.allSatisfy(\.allowed) && refusedOpcodes.isEmpty }
    }

    /// The globals of a `torch-zip`, `torchscript` or `torch-legacy` file, in first-use order, each once.
    public static func scan(_ file: MappedFile, format: CheckpointFormat) throws -> [PickleGlobal] {
        try report(file, format: format).globals
    }

    /// Globals and refused opcodes of a `torch-zip`, `torchscript` (its `data.pkl`), `torch-legacy` or DCP `.metadata` file.
    public static func report(_ file: MappedFile, format: CheckpointFormat) throws -> Report {
        var scanner = Scanner()
        switch format {
        case .torchZip, .torchscript:
            let archive = try ZipArchive(file)
            let entries = try TorchZipReader.entries(archive)
            let dir = try TorchZipReader.archiveFolder(entries)
            guard let pickle = entries[dir + "data.pkl"] else { throw CheckpointError.malformed("torch archive has no \(dir)data.pkl") }
            try archive.data(pickle).withUnsafeBytes { _ = scanner.scan($0, from: 0) }
        case .dcp:
            // What matters here is what ckpt's reader accepts: the weights-only globals and DCP's own classes.
            file.withBytes { _ = scanner.scan($0, from: 0) }
            let globals = scanner.globals.map {
                PickleGlobal(module: $0.module, name: $0.name, allowed: $0.allowed || DCPMetadataUnpickler.allowed.contains($0.fullName))
            }
            return Report(globals: globals, refusedOpcodes: [])
        case .torchLegacy:
            // magic, protocol version, sys_info, data, storage keys
            file.withBytes { all in
                var at = 0
                for _ in 0 ..< 5 {
                    guard let end = scanner.scan(all, from: at) else { break }
                    at = end
                }
            }
        default:
            throw CheckpointError.unsupported("\(format.rawValue) files have no pickle")
        }
        return Report(globals: scanner.globals, refusedOpcodes: scanner.refused)
    }

    /// Walks opcodes, tracking just enough (strings pushed and memoized) to name STACK_GLOBAL operands.
    struct Scanner {
        var globals: [PickleGlobal] = []
        var refused: [String] = []
        private var seen: Set<String> = []

        /// Scans one pickle; returns the offset after its STOP, or nil when it could not be decoded to the end.
        mutating func scan(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
            var reader = PickleOpcodeReader(bytes, position: from, scanning: true)
            var recent: [String?] = []
            var memo: [Int: String] = [:]
            var memoCount = 0
            var count = 0
            while count < PickleMachine.maxInstructions {
                count += 1
                let op: PickleOpcode, instruction: PickleInstruction
                do {
                    (op, instruction) = try reader.next()
                } catch {
                    if reader.position < bytes.count, let bad = PickleOpcode(rawValue: bytes[reader.position]) { refuse(bad) }
                    return nil
                }
                if !op.weightsOnlyAccepts { refuse(op) }
                switch instruction {
                case .stop: return reader.position
                case .string(let s): recent.append(s)
                case .get(let i): recent.append(memo[i])
                case .put(let i): memo[i] = recent.last ?? nil
                case .memoize:
                    // MEMOIZE numbers every memoized value, strings or not.
                    memo[memoCount] = recent.last ?? nil
                    memoCount += 1
                case .global(let m, let n): add(m, n); recent.append(nil)
                case .stackGlobal:
                    let n = recent.popLast() ?? nil, m = recent.popLast() ?? nil
                    add(m ?? "?", n ?? "?")
                    recent.append(nil)
                case .proto, .frame, .mark: break
                default: recent.append(nil)
                }
                if recent.count > 64 { recent.removeFirst(32) }
            }
            return nil
        }

        private mutating func add(_ module: String, _ name: String) {
            let (m, n) = TorchPickleGlobals.canonical(module: module, name: name)
            guard seen.insert(m + "." + n).inserted else { return }
            globals.append(PickleGlobal(module: m, name: n, allowed: TorchPickleGlobals.isAllowed(module: m, name: n)))
        }

        private mutating func refuse(_ op: PickleOpcode) {
            let name = op.name
            if !refused.contains(name) { refused.append(name) }
        }
    }
}
