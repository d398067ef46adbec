import CkptCore

/// A restricted pickle virtual machine: protocol 0–5 binary opcodes over `PickleValue`, with a memo, marks
/// and persistent ids, and hard limits on work, stack and memo so hostile input fails fast.
struct PickleMachine {
    static let maxStack = 4_000_000
    static let maxMemo = 4_000_000
    static let maxInstructions = 50_000_000

    private var reader: PickleOpcodeReader
    private let host: PickleHost
    let arena: PickleArena
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, host: PickleHost, arena: PickleArena) {
        reader = PickleOpcodeReader(bytes, position: position)
        self.host = host
        self.arena = arena
    }

    /// Offset just past the STOP opcode once `run` has returned.
    var position: Int { reader.position }

    /// Runs until STOP and returns the top of the stack.
    mutating func run() throws -> PickleValue {
        var count = 0
        while true {
            count += 1
            guard count <= PickleMachine.maxInstructions else {
                throw CheckpointError.tooLarge("pickle runs more than \(PickleMachine.maxInstructions) instructions")
            }
            let at = reader.position
            let (_, instruction) = try reader.next()
            if case .stop = instruction {
                guard let top = stack.last else { throw CheckpointError.malformed("pickle STOP at byte \(at) with an empty stack") }
                return top
            }
            try execute(instruction)
            guard stack.count <= PickleMachine.maxStack, memo.count <= PickleMachine.maxMemo, marks.count <= PickleMachine.maxStack else {
                throw CheckpointError.tooLarge("pickle stack or memo exceeds \(PickleMachine.maxStack) entries")
            }
        }
    }

    private mutating func execute(_ instruction: PickleInstruction) throws {
        switch instruction {
        case .proto, .frame, .stop: break
        case .mark: marks.append(stack.count)
        case .pop:
            if let m = marks.last, m == stack.count { marks.removeLast() } else { _ = try pop() }
        case .popMark: _ = try popMark()
        case .dup: stack.append(try top())
        case .int(let i): stack.append(.int(i))
        case .bigInt(let s): stack.append(.bigInt(s))
        case .float(let d): stack.append(.float(d))
        case .none: stack.append(.none)
        case .bool(let b): stack.append(.bool(b))
        case .string(let s): stack.append(.string(s))
        case .bytes(let b), .byteArray(let b): stack.append(.bytes(b))
        case .global(let module, let name): stack.append(try host.global(module: module, name: name))
        case .stackGlobal:
            let name = try pop(), module = try pop()
            guard let m = module.string, let n = name.string else {
                throw CheckpointError.unsafe("pickle STACK_GLOBAL with non-string operands (\(module.typeName), \(name.typeName))")
            }
            stack.append(try host.global(module: m, name: n))
        case .emptyTuple: stack.append(.node(arena.node(.tuple)))
        case .tuple: stack.append(.node(arena.node(.tuple, items: try popMark())))
        case .tuple1, .tuple2, .tuple3:
            let n = instruction.tupleArity
            // As pop(): values below the last MARK are not this instruction's (Python's unpickler fences them too).
            guard stack.count - n >= (marks.last ?? 0) else { throw underflow() }
            let items = Array(stack.suffix(n))
            stack.removeLast(n)
            stack.append(.node(arena.node(.tuple, items: items)))
        case .emptyList: stack.append(.node(arena.node(.list)))
        case .list: stack.append(.node(arena.node(.list, items: try popMark())))
        case .append:
            let v = try pop()
            try container(.list, "APPEND").items.append(v)
        case .appends:
            let vs = try popMark()
            try container(.list, "APPENDS").items.append(contentsOf: vs)
        case .emptyDict: stack.append(.node(arena.node(.dict)))
        case .dict:
            let kv = try popMark()
            let d = arena.node(.dict)
            try PickleMachine.setItems(d, kv)
            stack.append(.node(d))
        case .setItem:
            let v = try pop(), k = try pop()
            try PickleMachine.setItems(try dictOnTop("SETITEM"), [k, v])
        case .setItems:
            let kv = try popMark()
            try PickleMachine.setItems(try dictOnTop("SETITEMS"), kv)
        case .emptySet: stack.append(.node(arena.node(.set)))
        case .addItems:
            let vs = try popMark()
            try container(.set, "ADDITEMS").items.append(contentsOf: vs)
        case .frozenSet: stack.append(.node(arena.node(.frozenSet, items: try popMark())))
        case .get(let i):
            guard let v = memo[i] else { throw CheckpointError.malformed("pickle reads memo slot \(i), which was never set") }
            stack.append(v)
        case .put(let i): memo[i] = try top()
        case .memoize: memo[memo.count] = try top()
        case .reduce:
            let args = try pop(), callable = try pop()
            guard let a = args.tupleItems else { throw CheckpointError.malformed("pickle REDUCE arguments are a \(args.typeName), not a tuple") }
            stack.append(try host.call(callable, args: a, arena: arena))
        case .build:
            let state = try pop(), object = try pop()
            stack.append(try host.build(object, state: state))
        case .newObj:
            let args = try pop(), cls = try pop()
            guard let a = args.tupleItems else { throw CheckpointError.malformed("pickle NEWOBJ arguments are a \(args.typeName), not a tuple") }
            stack.append(try host.newObject(cls, args: a, arena: arena))
        case .newObjEx:
            let kwargs = try pop(), args = try pop(), cls = try pop()
            guard let a = args.tupleItems, let kw = kwargs.node, kw.isDict, kw.entries.isEmpty else {
                throw CheckpointError.unsafe("pickle NEWOBJ_EX with keyword arguments, which ckpt refuses")
            }
            stack.append(try host.newObject(cls, args: a, arena: arena))
        case .binPersId:
            stack.append(try host.persistentLoad(try pop()))
        }
    }

    private static func setItems(_ d: PickleNode, _ kv: [PickleValue]) throws {
        guard kv.count % 2 == 0 else { throw CheckpointError.malformed("pickle SETITEMS with an odd number of items") }
        var i = 0
        while i < kv.count {
            let key = try kv[i].dictKey()
            d.entries[key] = kv[i + 1]
            if let object = kv[i].node, case .call = object.kind { d.keyObjects[key] = object }
            i += 2
        }
    }

    private func underflow() -> CheckpointError {
        CheckpointError.malformed("pickle stack underflow at byte \(reader.position)")
    }

    private mutating func pop() throws -> PickleValue {
        // Values below the last MARK belong to an enclosing instruction.
        guard let v = stack.last, stack.count > (marks.last ?? 0) else { throw underflow() }
        stack.removeLast()
        return v
    }

    private func top() throws -> PickleValue {
        guard let v = stack.last, stack.count > (marks.last ?? 0) else { throw underflow() }
        return v
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast() else { throw CheckpointError.malformed("pickle uses a MARK that was never set at byte \(reader.position)") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    private func container(_ kind: PickleNode.Kind, _ op: String) throws -> PickleNode {
        let t = try top()
        guard let n = t.node, n.kind == kind else {
            throw CheckpointError.unsafe("pickle \(op) on a \(t.typeName), which ckpt refuses")
        }
        return n
    }

    private func dictOnTop(_ op: String) throws -> PickleNode {
        let t = try top()
        guard let n = t.node, n.isDict else { throw CheckpointError.unsafe("pickle \(op) on a \(t.typeName), which ckpt refuses") }
        return n
    }
}

private extension PickleInstruction {
    var tupleArity: Int {
        switch self {
        case .tuple1: return 1
        case .tuple2: return 2
        default: return 3
        }
    }
}
