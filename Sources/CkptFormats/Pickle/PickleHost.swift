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
