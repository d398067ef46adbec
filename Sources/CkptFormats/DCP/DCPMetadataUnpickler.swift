import CkptCore

/// The pickle of a DCP `.metadata` file (FORMATS-MORE.md 3.2). torch reads it with plain `pickle.load`; ckpt runs it
/// in the restricted machine with the weights-only globals plus DCP's own classes, named one by one, created as
/// opaque objects (NEWOBJ + BUILD) that `DCPMetadata` then reads field by field. Nothing is executed.
final class DCPMetadataUnpickler: PickleHost {
    /// The globals a `.metadata` pickle imports beyond the weights-only set (torch 2.0–2.15).
    static let allowed: Set<String> = [
        "torch.distributed.checkpoint.metadata.Metadata",
        "torch.distributed.checkpoint.metadata.TensorStorageMetadata",
        "torch.distributed.checkpoint.metadata.TensorProperties",
        "torch.distributed.checkpoint.metadata.ChunkStorageMetadata",
        "torch.distributed.checkpoint.metadata.BytesStorageMetadata",
        "torch.distributed.checkpoint.metadata.MetadataIndex",
        "torch.distributed.checkpoint.metadata.StorageMeta",
        "torch.distributed.checkpoint.metadata._MEM_FORMAT_ENCODING",
        "torch.distributed.checkpoint.filesystem._StorageInfo",
        // torch ≈ 2.0–2.1 kept TensorProperties with the sharded tensor's metadata.
        "torch.distributed._shard.sharded_tensor.metadata.TensorProperties",
        "torch.distributed._shard.sharded_tensor.metadata.MEM_FORMAT_ENCODING",
        "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath", "pathlib.Path",
    ]

    private let base = TorchUnpickler { key, _, _ in
        throw CheckpointError.malformed("DCP .metadata refers to a storage (\(key)), which it never holds")
    }

    func global(module: String, name: String) throws -> PickleValue {
        if Self.allowed.contains(module + "." + name) { return .global(module: module, name: name) }
        return try base.global(module: module, name: name)
    }

    func call(_ callable: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue {
        try base.call(callable, args: args, arena: arena)
    }

    func newObject(_ cls: PickleValue, args: [PickleValue], arena: PickleArena) throws -> PickleValue {
        try base.newObject(cls, args: args, arena: arena)
    }

    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue {
        try base.build(object, state: state)
    }

    func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        throw CheckpointError.malformed("DCP .metadata uses a persistent id, which it never holds")
    }
}
