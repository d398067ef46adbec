import CkptCore
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

@Suite struct PickleMachineTests {
    /// BINUNICODE: `X`, u32 length, UTF-8.
    func str(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(b.count).littleEndian, Array.init) + b
    }

    func expectError(_ bytes: [UInt8], _ match: (CheckpointError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let v = try TorchFixtures.unpickle(bytes)
            Issue.record("expected an error, got \(v)", sourceLocation: sourceLocation)
        } catch let e as CheckpointError {
            #expect(match(e), "\(e)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("not a CheckpointError: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [2, 3, 4, 5])
    func pythonValuesMatchRepr(protocol p: Int) throws {
        let v = try TorchFixtures.unpickle(try Fixtures.bytes("torch_files/pickles/values_p\(p).pkl"))
        let expected = try JSONDecoder().decode([String: String].self, from: Data(try Fixtures.bytes("torch_files/pickles/values_p\(p).json")))
        #expect(v.description == expected["repr"])
    }

    @Test func intDictKeysAndPlainDict() throws {
        let v = try TorchFixtures.unpickle(try Fixtures.bytes("torch_files/pickles/values_p2.pkl"))
        let nested = try #require(v.dict?["nested"]?.dict)
        #expect(nested.isOrdered == false)
        #expect(nested.items.keys.contains(.int(3)))
    }

    @Test func orderedDictKeepsBuildState() throws {
        // OrderedDict() with 'a': 1, then BUILD {'_metadata': {'': {'version': 1}}}.
        var p: [UInt8] = [0x80, 0x02] + Array("ccollections\nOrderedDict\n".utf8) + [0x29, 0x52]
        p += str("a") + [0x4B, 1, 0x73]
        p += [0x7D] + str("_metadata") + [0x7D] + str("") + [0x7D] + str("version") + [0x4B, 1, 0x73, 0x73, 0x73]
        p += [0x62, 0x2E]
        let d = try #require(try TorchFixtures.unpickle(p).dict)
        #expect(d.isOrdered)
        #expect(Array(d.items.keys) == [.string("a")])
        #expect(d.state?.description == "{'_metadata': {'': {'version': 1}}}")
    }

    @Test func refusesOsSystem() throws {
        expectError(try Fixtures.bytes("torch_files/pickles/evil_os_system.pkl")) {
            if case .unsafe(let m) = $0 { return m.contains("os.system") } else { return false }
        }
        expectError(try Fixtures.bytes("torch_files/pickles/evil_stack_global.pkl")) {
            if case .unsafe(let m) = $0 { return m.contains("posix.system") } else { return false }
        }
    }

    @Test func refusesGlobalsOutsideTheAllowlist() {
        for g in ["builtins\neval\n", "numpy.core.multiarray\nscalar\n", "argparse\nNamespace\n", "__builtin__\ngetattr\n"] {
            expectError([0x80, 0x02, 0x63] + Array(g.utf8) + [0x2E]) { if case .unsafe = $0 { return true } else { return false } }
        }
    }

    @Test func refusesDangerousOpcodes() {
        // INST, OBJ, EXT1, PERSID (text)
        for op: UInt8 in [0x69, 0x6F, 0x82, 0x50] {
            expectError([0x80, 0x02, op, 0x61, 0x0A, 0x62, 0x0A, 0x2E]) { if case .unsafe = $0 { return true } else { return false } }
        }
        expectError([0x80, 0x02, 0xFF, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
    }

    @Test func truncatedPicklesFailAtEveryLength() throws {
        let full = try Fixtures.bytes("torch_files/pickles/values_p4.pkl")
        for n in 0 ..< full.count - 1 {
            #expect(throws: CheckpointError.self) { try TorchFixtures.unpickle(Array(full[..<n])) }
        }
    }

    @Test func hostileLengthsAndLimits() {
        // BINUNICODE claiming 4 GB.
        expectError([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x61, 0x2E]) { if case .truncated = $0 { return true } else { return false } }
        // BINUNICODE8 / BINBYTES8 claiming 2^63.
        expectError([0x80, 0x04, 0x8D] + [UInt8](repeating: 0xFF, count: 7) + [0x7F, 0x2E]) { if case .truncated = $0 { return true } else { return false } }
        // LONG4 of 2^31-1 bytes.
        expectError([0x80, 0x02, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E]) { if case .tooLarge = $0 { return true } else { return false } }
        // Memo slot 0xFFFFFFFF: storing is fine, reading an unset slot fails.
        expectError([0x80, 0x02, 0x4E, 0x72, 0xFF, 0xFF, 0xFF, 0xFF, 0x6A, 0xFE, 0xFF, 0xFF, 0xFF, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
        // Stack underflow, unbalanced MARK, STOP on an empty stack.
        expectError([0x80, 0x02, 0x85, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
        expectError([0x80, 0x02, 0x74, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
        expectError([0x80, 0x02, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
        // REDUCE reaching below a MARK.
        expectError([0x80, 0x02, 0x4E, 0x28, 0x52, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
        // TUPLE2 reaching below a MARK, then TUPLE closing that MARK (found by the pickle fuzz target: the mark
        // pointed past the stack's end and the slice trapped).
        expectError([0x80, 0x02, 0x4E, 0x4E, 0x28, 0x86, 0x74, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
    }

    @Test func appendOnlyOnListsAndSetItemOnlyOnDicts() {
        expectError([0x80, 0x02, 0x7D, 0x4E, 0x61, 0x2E]) { if case .unsafe = $0 { return true } else { return false } }
        expectError([0x80, 0x02, 0x5D, 0x4E, 0x4E, 0x73, 0x2E]) { if case .unsafe = $0 { return true } else { return false } }
    }

    @Test func billionLaughsHitsTheBudget() {
        // L0 = []; L(i+1) = [L(i), L(i)] — 2^40 nodes once expanded.
        var p: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0]
        for i in 0 ..< 40 { p += [0x28, 0x68, UInt8(i), 0x68, UInt8(i), 0x6C, 0x71, UInt8(i + 1)] }
        p += [0x2E]
        expectError(p) { if case .tooLarge = $0 { return true } else { return false } }
    }

    @Test func deepNestingAndCyclesFailWithoutCrashing() {
        // 50 000 nested 1-tuples: fails on depth, and tearing the graph down must not overflow the stack.
        var deep: [UInt8] = [0x80, 0x02, 0x4E]
        deep += [UInt8](repeating: 0x85, count: 50_000)
        deep += [0x2E]
        expectError(deep) { if case .malformed = $0 { return true } else { return false } }
        // A list that contains itself.
        expectError([0x80, 0x02, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E]) { if case .malformed = $0 { return true } else { return false } }
        // 30 000 lists linked by mutation after creation.
        var chain: [UInt8] = [0x80, 0x02]
        for i in 0 ..< 30_000 { chain += [0x5D, 0x72] + withUnsafeBytes(of: UInt32(i).littleEndian, Array.init) + [0x30] }
        for i in 0 ..< 29_999 {
            chain += [0x6A] + withUnsafeBytes(of: UInt32(i).littleEndian, Array.init)
            chain += [0x6A] + withUnsafeBytes(of: UInt32(i + 1).littleEndian, Array.init) + [0x61, 0x30]
        }
        chain += [0x6A, 0, 0, 0, 0, 0x2E]
        expectError(chain) { if case .malformed = $0 { return true } else { return false } }
    }

    @Test func bigIntegersRoundTrip() throws {
        for s in ["0", "1", "-1", "127", "128", "-128", "-129", "255", "256", "18446744073709551616", "-1180591620717411303424",
                  "1000000000000000000000000000000"] {
            let raw = try #require(PickleBigInt.twosComplement(decimal: s))
            #expect(PickleBigInt.decimal(twosComplement: raw) == s)
        }
        #expect(PickleBigInt.twosComplement(decimal: "128") == [0x80, 0x00])
        #expect(PickleBigInt.twosComplement(decimal: "-128") == [0x80])
        #expect(PickleBigInt.twosComplement(decimal: "-129") == [0x7F, 0xFF])
        #expect(PickleBigInt.twosComplement(decimal: "12a") == nil)
    }

    @Test func scannerListsGlobalsWithoutRunning() throws {
        // GLOBAL, INST and STACK_GLOBAL (operands via memo) are all listed; nothing is refused or executed.
        var p: [UInt8] = [0x80, 0x04, 0x63] + Array("collections\nOrderedDict\n".utf8)
        p += [0x8C, 5] + Array("posix".utf8) + [0x94, 0x8C, 6] + Array("system".utf8) + [0x94, 0x68, 0, 0x68, 1, 0x93]
        p += [0x28, 0x69] + Array("subprocess\nPopen\n".utf8) + [0x2E]
        var scanner = PickleGlobalScan.Scanner()
        let end = p.withUnsafeBytes { scanner.scan($0, from: 0) }
        #expect(end == p.count)
        #expect(scanner.globals.map(\.fullName) == ["collections.OrderedDict", "posix.system", "subprocess.Popen"])
        #expect(scanner.globals.map(\.allowed) == [true, false, false])
        #expect(scanner.refused == ["SHORT_BINUNICODE", "MEMOIZE", "STACK_GLOBAL", "INST"])
    }

    /// Python 2 names are listed as Python 3's unpickler maps them (`fix_imports`), as torch's
    /// `get_unsafe_globals_in_checkpoint` names them.
    @Test func python2NamesAreListedAsPython3Names() throws {
        let p: [UInt8] = [0x80, 0x02, 0x63] + Array("__builtin__\nlong\n".utf8) + [0x63] + Array("__builtin__\nset\n".utf8)
            + [0x63] + Array("copy_reg\n_reconstructor\n".utf8) + [0x2E]
        var scanner = PickleGlobalScan.Scanner()
        _ = p.withUnsafeBytes { scanner.scan($0, from: 0) }
        #expect(scanner.globals.map(\.fullName) == ["builtins.int", "builtins.set", "copyreg._reconstructor"])
    }
}
