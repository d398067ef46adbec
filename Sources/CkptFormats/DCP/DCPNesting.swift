import CkptCore
import OrderedCollections

/// Restores the nesting DCP flattened away, as `torch.distributed.checkpoint._nested_dict.unflatten_state_dict`
/// does with `planner_data` (`set_element`): a string part is a dict key, an int part a list index (lists grow
/// with None); the container made for a part is a dict when the next part is a string, a list when it is an int.
enum DCPNesting {
    private final class Container {
        let isList: Bool
        var dict = OrderedDictionary<CheckpointDict.Key, Slot>()
        var list: [Slot?] = []
        init(isList: Bool) { self.isList = isList }
    }

    private enum Slot {
        case container(Container)
        case leaf(CheckpointValue)
    }

    /// The nested value of `leaves` (each a planner path and its value), in their order.
    static func unflatten(_ leaves: [(path: [DCPMetadata.PathPart], value: CheckpointValue)]) throws -> CheckpointValue {
        let root = Container(isList: false)
        for (path, value) in leaves {
            guard let last = path.last else { throw CheckpointError.malformed("DCP .metadata has an empty planner path") }
            var current = root
            for (previous, part) in zip(path, path.dropFirst()) {
                if case .index = part { current = try child(current, previous, makeList: true) } else { current = try child(current, previous, makeList: false) }
            }
            try store(.leaf(value), in: current, at: last)
        }
        return value(of: root)
    }

    /// `container[part]`, created (a list or a dict) when absent, as `setdefault` does.
    private static func child(_ container: Container, _ part: DCPMetadata.PathPart, makeList: Bool) throws -> Container {
        if let existing = try slot(container, part) {
            guard case .container(let c) = existing else { throw CheckpointError.malformed("DCP planner path goes through a value at \(part)") }
            return c
        }
        let made = Container(isList: makeList)
        try store(.container(made), in: container, at: part)
        return made
    }

    private static func slot(_ container: Container, _ part: DCPMetadata.PathPart) throws -> Slot? {
        switch part {
        case .key(let k):
            guard !container.isList else { throw CheckpointError.malformed("DCP planner path indexes a list with '\(k)'") }
            return container.dict[.string(k)]
        case .index(let i):
            if container.isList { return i < container.list.count ? container.list[i] : nil }
            return container.dict[.int(i)]
        }
    }

    private static func store(_ slot: Slot, in container: Container, at part: DCPMetadata.PathPart) throws {
        switch part {
        case .key(let k):
            guard !container.isList else { throw CheckpointError.malformed("DCP planner path indexes a list with '\(k)'") }
            container.dict[.string(k)] = slot
        case .index(let i) where container.isList:
            guard i < DCPReader.maxListIndex else { throw CheckpointError.tooLarge("DCP planner path indexes a list at \(i)") }
            if container.list.count <= i { container.list += [Slot?](repeating: nil, count: i + 1 - container.list.count) }
            container.list[i] = slot
        case .index(let i):
            container.dict[.int(i)] = slot
        }
    }

    private static func value(of container: Container) -> CheckpointValue {
        func value(_ slot: Slot?) -> CheckpointValue {
            switch slot {
            case .container(let c)?: return Self.value(of: c)
            case .leaf(let v)?: return v
            case nil: return .none
            }
        }
        if container.isList { return .list(container.list.map(value)) }
        return .dict(CheckpointDict(items: container.dict.mapValues(value), isOrdered: false))
    }
}
