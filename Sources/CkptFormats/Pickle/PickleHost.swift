import CkptCore

/// What the pickle machine asks of its host: every operation that could run code (imports, calls, object
/// creation, state setting, persistent ids) goes through here, and the host decides what is allowed.
protocol PickleHost: AnyObject {
    /// GLOBAL / STACK_GLOBAL: the value for `module.name`, or an `.unsafe` error.
    func global(module: String, name: String) throws -> PickleValue
    /// REDUCE: `callable(*args)`.
    func call(_ callable: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue
    /// NEWOBJ / NEWOBJ_EX: `cls.__new__(cls, *args)`.
    func newObject(_ cls: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue
    /// BUILD: applies `state` to `object` and returns the object.
    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue
    /// BINPERSID: the object a persistent id stands for.
    func persistentLoad(_ id: PickleValue) throws -> PickleValue
}

extension PickleHost {
    /// Runs the pickle in `bytes` with this host in charge and hands its top value to `body` while the objects it
    /// refers to are alive (hosts whose callers walk the object graph itself: TorchScript modules, DCP metadata).
    func withTopValue<R>(_ bytes: UnsafeRawBufferPointer, _ body: (PickleValue) throws -> R) throws -> R {
        let arena = PickleArena()
        defer { arena.clear() }
        var machine = PickleMachine(bytes, host: self, arena: arena)
        return try body(try machine.run())
    }
}

/// Owns every container the machine creates, and breaks their links when done so deallocation never recurses deeply.
final class PickleArena {
    private(set) var nodes: [PickleNode] = []

    func node(_ kind: PickleNode.Kind, items: [PickleValue] = []) -> PickleNode {
        let n = PickleNode(kind, items: items)
        nodes.append(n)
        return n
    }

    func clear() {
        for n in nodes { n.clear() }
        nodes = []
    }

    deinit { clear() }
}
