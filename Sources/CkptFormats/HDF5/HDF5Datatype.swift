import CHDF5
import CkptCore

/// What an HDF5 datatype holds, as ckpt sees it, and the datatypes ckpt writes (FORMATS.md 5.1).
enum HDF5Datatype {
    /// A tensor element type, a string, or something ckpt keeps only as a description.
    enum Kind: Equatable {
        case tensor(DType, ByteOrder)
        case string
        case other(String)
    }

    /// Classifies a datatype. `dtypeAttribute` is the dataset's `dtype` attribute, if any: Keras marks bfloat16
    /// (an opaque 2-byte type, or uint16) with `dtype="bfloat16"`.
    static func classify(_ type: HDF5TypeFacts, dtypeAttribute: String?) -> Kind {
        let size = type.size
        let order: ByteOrder = type.bigEndian ? .big : .little
        switch type.typeClass {
        case H5T_FLOAT.rawValue:
            guard type.fields.count == 5, type.fields[0] >= 0 else { return .other("float") }
            let f = type.fields
            switch (size, f[0], f[1], f[2], f[3], f[4], type.exponentBias) {
            case (2, 15, 10, 5, 0, 10, 15): return .tensor(.float16, order)
            case (2, 15, 7, 8, 0, 7, 127): return .tensor(.bfloat16, order)
            case (4, 31, 23, 8, 0, 23, 127): return .tensor(.float32, order)
            case (8, 63, 52, 11, 0, 52, 1023): return .tensor(.float64, order)
            default: return .other("\(size)-byte float with sign \(f[0]), exponent \(f[1])/\(f[2]), mantissa \(f[3])/\(f[4])")
            }
        case H5T_INTEGER.rawValue:
            if dtypeAttribute == "bfloat16", size == 2 { return .tensor(.bfloat16, order) }
            return integer(size: size, signed: type.signed, order: order)
        case H5T_ENUM.rawValue:
            // h5py's bool: an enum on int8 with FALSE=0 and TRUE=1.
            if type.isBoolEnum { return .tensor(.bool, .little) }
            guard let signed = type.enumBaseSigned else { return .other("enum") }
            return integer(size: size, signed: signed, order: order)
        case H5T_OPAQUE.rawValue:
            if let name = dtypeAttribute, let dtype = DType(rawValue: name), dtype.itemSize == size {
                return .tensor(dtype, .little)
            }
            // h5py writes ml_dtypes' bfloat16 as an untagged 2-byte opaque type; without Keras' attribute
            // that is still the only 2-byte opaque type checkpoints carry.
            if size == 2 { return .tensor(.bfloat16, .little) }
            return .other("\(size)-byte opaque")
        case H5T_COMPOUND.rawValue:
            // h5py's complex: a compound `{r, i}` of two equal IEEE floats (checked by the walk).
            guard let part = type.complexPart.first else { return .other("compound") }
            switch classify(part, dtypeAttribute: nil) {
            case .tensor(.float32, let order) where size == 8: return .tensor(.complex64, order)
            case .tensor(.float64, let order) where size == 16: return .tensor(.complex128, order)
            default: return .other("compound")
            }
        case H5T_STRING.rawValue:
            return .string
        default:
            return .other("HDF5 type class \(type.typeClass)")
        }
    }

    private static func integer(size: Int, signed: Bool, order: ByteOrder) -> Kind {
        switch (size, signed) {
        case (1, true): return .tensor(.int8, order)
        case (2, true): return .tensor(.int16, order)
        case (4, true): return .tensor(.int32, order)
        case (8, true): return .tensor(.int64, order)
        case (1, false): return .tensor(.uint8, order)
        case (2, false): return .tensor(.uint16, order)
        case (4, false): return .tensor(.uint32, order)
        case (8, false): return .tensor(.uint64, order)
        default: return .other("\(size)-byte integer")
        }
    }

    /// A new datatype for writing `dtype` as h5py (and Keras, for bf16 and float8) write it, and whether it
    /// needs a `dtype` attribute. The caller closes it.
    static func create(for dtype: DType) throws -> (type: hid_t, marksDType: Bool) {
        func copy(_ t: hid_t) throws -> hid_t { try HDF5Library.check(H5Tcopy(t), "cannot create a datatype") }
        switch dtype {
        case .float32: return (try copy(ckpt_H5T_IEEE_F32LE()), false)
        case .float64: return (try copy(ckpt_H5T_IEEE_F64LE()), false)
        case .int8: return (try copy(ckpt_H5T_STD_I8LE()), false)
        case .int16: return (try copy(ckpt_H5T_STD_I16LE()), false)
        case .int32: return (try copy(ckpt_H5T_STD_I32LE()), false)
        case .int64: return (try copy(ckpt_H5T_STD_I64LE()), false)
        case .uint8: return (try copy(ckpt_H5T_STD_U8LE()), false)
        case .uint16: return (try copy(ckpt_H5T_STD_U16LE()), false)
        case .uint32: return (try copy(ckpt_H5T_STD_U32LE()), false)
        case .uint64: return (try copy(ckpt_H5T_STD_U64LE()), false)
        case .float16:
            // h5py's float16: IEEE_F32LE reshaped (sign 15, exponent 10/5 bias 15, mantissa 0/10).
            let t = try copy(ckpt_H5T_IEEE_F32LE())
            guard H5Tset_fields(t, 15, 10, 5, 0, 10) >= 0, H5Tset_size(t, 2) >= 0, H5Tset_ebias(t, 15) >= 0 else {
                H5Tclose(t)
                throw HDF5Library.failure("cannot create a float16 datatype", kind: CheckpointError.io)
            }
            return (t, false)
        case .bool:
            let t = try HDF5Library.check(H5Tenum_create(ckpt_H5T_NATIVE_INT8()), "cannot create a bool datatype")
            var no: Int8 = 0, yes: Int8 = 1
            guard H5Tenum_insert(t, "FALSE", &no) >= 0, H5Tenum_insert(t, "TRUE", &yes) >= 0 else {
                H5Tclose(t)
                throw HDF5Library.failure("cannot create a bool datatype", kind: CheckpointError.io)
            }
            return (t, false)
        case .bfloat16, .float8_e4m3fn, .float8_e5m2:
            // Keras 3: an untagged opaque type of the item size, plus the attribute dtype="<name>".
            let t = try HDF5Library.check(H5Tcreate(H5T_OPAQUE, dtype.itemSize), "cannot create an opaque datatype")
            return (t, true)
        case .complex64, .complex128:
            let part = dtype == .complex64 ? ckpt_H5T_IEEE_F32LE() : ckpt_H5T_IEEE_F64LE()
            let half = dtype.itemSize / 2
            let t = try HDF5Library.check(H5Tcreate(H5T_COMPOUND, dtype.itemSize), "cannot create a complex datatype")
            guard H5Tinsert(t, "r", 0, part) >= 0, H5Tinsert(t, "i", half, part) >= 0 else {
                H5Tclose(t)
                throw HDF5Library.failure("cannot create a complex datatype", kind: CheckpointError.io)
            }
            return (t, false)
        }
    }
}

/// The facts about a datatype the reader needs, as the guarded walk reported them (hdf5_walk.h).
struct HDF5TypeFacts {
    /// libhdf5's `H5T_class_t` raw value.
    var typeClass: Int32
    var size: Int
    var bigEndian: Bool
    /// An integer's sign.
    var signed: Bool
    /// A float's sign position, exponent position and size, mantissa position and size (-1: unknown).
    var fields: [Int]
    var exponentBias: UInt64
    /// An enum on int8 with members FALSE and TRUE (h5py's bool).
    var isBoolEnum: Bool
    /// Whether an enum's base integer is signed (nil: unknown).
    var enumBaseSigned: Bool?
    /// The float type of both members of h5py's complex compound `{r, i}`, when it is one.
    var complexPart: [HDF5TypeFacts]

    var isString: Bool { typeClass == H5T_STRING.rawValue }
}
