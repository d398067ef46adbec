import CkptCore

/// The globals PyTorch's weights-only unpickler accepts (FORMATS.md 1.8, from `_get_allowed_globals()` in
/// torch 2.15), Python 2 name mapping, and the storage and dtype names ckpt maps to `DType`.
enum TorchPickleGlobals {
    /// Modules torch blocks even when a user allowlists them.
    static let blockedModules: Set<String> = ["sys", "os", "posix", "nt"]

    /// Python 2 module names the unpickler maps first (`fix_imports`).
    static let python2Modules: [String: String] = [
        "__builtin__": "builtins", "copy_reg": "copyreg", "cPickle": "pickle", "_codecs": "_codecs",
    ]

    /// Python 2 names that moved, as `_compat_pickle.NAME_MAPPING` maps them (`__builtin__.long` is `builtins.int`).
    static let python2Names: [String: (module: String, name: String)] = [
        "__builtin__.long": ("builtins", "int"), "__builtin__.unicode": ("builtins", "str"), "__builtin__.basestring": ("builtins", "str"),
        "__builtin__.xrange": ("builtins", "range"), "__builtin__.unichr": ("builtins", "chr"), "__builtin__.reduce": ("functools", "reduce"),
        "__builtin__.intern": ("sys", "intern"), "exceptions.StandardError": ("builtins", "Exception"),
        "itertools.izip": ("builtins", "zip"), "itertools.imap": ("builtins", "map"), "itertools.ifilter": ("builtins", "filter"),
        "UserDict.UserDict": ("collections", "UserDict"), "UserList.UserList": ("collections", "UserList"),
    ]

    /// `module.name` after Python 2 mapping, as Python's unpickler applies it (`fix_imports`): names that moved
    /// first (`__builtin__.long` → `builtins.int`), then modules (`__builtin__.set` → `builtins.set`).
    static func canonical(module: String, name: String) -> (module: String, name: String) {
        python2Names[module + "." + name] ?? (python2Modules[module] ?? module, name)
    }

    static let storageDTypes: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool, "ComplexFloatStorage": .complex64, "ComplexDoubleStorage": .complex128,
    ]

    static let quantizedStorages: Set<String> = ["QInt8Storage", "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage"]

    /// The storage class name a dtype is written with (`torch.FloatStorage`), or nil for dtypes that need
    /// `UntypedStorage` and `_rebuild_tensor_v3`.
    static func storageName(for dtype: DType) -> String? {
        storageDTypes.first { $0.value == dtype }?.key
    }

    /// `torch.<name>` dtype globals, including the aliases torch exports.
    static let dtypeNames: [String: DType] = {
        var m: [String: DType] = [:]
        for d in DType.allCases { m[d.rawValue] = d }
        m["float"] = .float32; m["double"] = .float64; m["half"] = .float16; m["long"] = .int64
        m["int"] = .int32; m["short"] = .int16; m["cfloat"] = .complex64; m["cdouble"] = .complex128
        return m
    }()

    /// All dtype names torch's allowlist holds, known to ckpt or not.
    static let allDTypeNames: [String] = [
        "float16", "float32", "float64", "bfloat16", "bool", "int8", "int16", "int32", "int64",
        "uint8", "uint16", "uint32", "uint64", "int1", "int2", "int3", "int4", "int5", "int6", "int7",
        "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7", "complex32", "complex64", "complex128",
        "bcomplex32", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
        "float4_e2m1fn_x2", "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2", "qint8", "qint32", "quint8",
        "quint4x2", "quint2x4",
    ]

    /// Full names (`module.name`) accepted by `torch.load(weights_only=True)`.
    static let allowed: Set<String> = {
        var s: Set<String> = [
            "collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
            "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
            "_codecs.encode", "builtins.bytearray", "builtins.set", "builtins.complex",
            "torch.storage.TypedStorage", "torch.storage.UntypedStorage",
            "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
            "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
            "torch._tensor._rebuild_from_type_v2",
        ]
        for f in ["_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
                  "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor",
                  "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
                  "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor"] {
            s.insert("torch._utils." + f)
        }
        for d in allDTypeNames { s.insert("torch." + d) }
        for t in ["Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool"] {
            for m in ["torch.", "torch.cuda.", "torch.sparse.", "torch.cuda.sparse."] { s.insert(m + t + "Tensor") }
        }
        for st in Array(storageDTypes.keys) + Array(quantizedStorages) {
            s.insert("torch." + st)
            s.insert("torch.cuda." + st)
        }
        return s
    }()

    /// Whether `torch.load(weights_only=True)` accepts the global (after Python 2 mapping).
    static func isAllowed(module: String, name: String) -> Bool {
        let (m, n) = canonical(module: module, name: name)
        if blockedModules.contains(m) || blockedModules.contains(String(m.split(separator: ".").first ?? "")) { return false }
        return allowed.contains(m + "." + n)
    }

    /// The dtype of a storage class global (`torch.FloatStorage`, `torch.cuda.HalfStorage`); nil for
    /// `torch.storage.UntypedStorage` (bytes; the dtype comes with `_rebuild_tensor_v3`).
    static func storageDType(module: String, name: String) throws -> DType? {
        if module == "torch.storage" && name == "UntypedStorage" { return nil }
        if module == "torch" || module == "torch.cuda", let d = storageDTypes[name] { return d }
        if quantizedStorages.contains(name) { throw CheckpointError.unsupported("quantized storage \(module).\(name)") }
        throw CheckpointError.malformed("persistent id names \(module).\(name), which is not a storage type")
    }
}
