import CkptCore

/// Emits pickle protocol 2 opcodes only — the subset `torch.load(weights_only=True)` accepts (FORMATS.md
/// 1.8, 7.8): no memo, no FRAME, no SHORT_BINUNICODE, strings as BINUNICODE.
struct PickleEncoder {
    private(set) var bytes: [UInt8] = [PickleOpcode.proto.rawValue, 2]

    mutating func op(_ op: PickleOpcode) { bytes.append(op.rawValue) }

    /// GLOBAL `module\nname\n`.
    mutating func global(_ module: String, _ name: String) {
        op(.global)
        bytes += Array(module.utf8) + [0x0A] + Array(name.utf8) + [0x0A]
    }

    /// A dotted name split at its last dot: `torch._utils._rebuild_tensor_v2`.
    mutating func global(_ fullName: String) {
        let parts = fullName.split(separator: ".", omittingEmptySubsequences: false)
        global(parts.dropLast().joined(separator: "."), String(parts.last ?? ""))
    }

    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        op(.binUnicode)
        append(UInt32(utf8.count))
        bytes += utf8
    }

    /// Integers as Python writes them: BININT1 for 0…255, BININT2 up to 65535, BININT in the i32 range, else LONG1.
    mutating func int(_ i: Int) {
        switch i {
        case 0 ... 0xFF: bytes += [PickleOpcode.binInt1.rawValue, UInt8(i)]
        case 0x100 ... 0xFFFF: op(.binInt2); bytes += [UInt8(i & 0xFF), UInt8(i >> 8)]
        case Int(Int32.min) ... Int(Int32.max): op(.binInt); append(UInt32(bitPattern: Int32(i)))
        default:
            var raw = withUnsafeBytes(of: Int64(i).littleEndian, Array.init)
            // Minimal two's complement: drop sign-extension bytes.
            while raw.count > 1, (raw[raw.count - 1] == 0 && raw[raw.count - 2] & 0x80 == 0)
                || (raw[raw.count - 1] == 0xFF && raw[raw.count - 2] & 0x80 != 0) { raw.removeLast() }
            long1(raw)
        }
    }

    /// An integer beyond Int64 from its decimal digits.
    mutating func bigInt(_ digits: String) throws {
        guard let raw = PickleBigInt.twosComplement(decimal: digits) else {
            throw CheckpointError.malformed("'\(digits)' is not an integer")
        }
        guard raw.count <= 255 else { throw CheckpointError.unsupported("integer of \(raw.count) bytes (LONG4 is not weights-only loadable)") }
        long1(raw)
    }

    private mutating func long1(_ raw: [UInt8]) {
        bytes += [PickleOpcode.long1.rawValue, UInt8(raw.count)] + raw
    }

    /// BINFLOAT: 8 bytes, big-endian.
    mutating func float(_ d: Double) {
        op(.binFloat)
        bytes += withUnsafeBytes(of: d.bitPattern.bigEndian, Array.init)
    }

    mutating func bool(_ b: Bool) { op(b ? .newTrue : .newFalse) }

    /// Closes a tuple of `count` items already emitted (after a MARK when `count` > 3).
    mutating func endTuple(count: Int) {
        switch count {
        case 0: op(.emptyTuple)
        case 1: op(.tuple1)
        case 2: op(.tuple2)
        case 3: op(.tuple3)
        default: op(.tuple)
        }
    }

    /// Emits a tuple whose items `body` writes, choosing TUPLE1–3 or MARK … TUPLE.
    mutating func tuple(count: Int, _ body: (inout PickleEncoder) throws -> Void) rethrows {
        if count > 3 { op(.mark) }
        try body(&self)
        endTuple(count: count)
    }

    /// A tuple of ints (sizes, strides).
    mutating func intTuple(_ xs: [Int]) {
        tuple(count: xs.count) { e in for x in xs { e.int(x) } }
    }

    mutating func stop() { op(.stop) }

    private mutating func append(_ v: UInt32) {
        bytes += withUnsafeBytes(of: v.littleEndian, Array.init)
    }
}
