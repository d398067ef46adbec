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

    /// Classifies the datatype `type`. `dtypeAttribute` is the dataset's `dtype` attribute, if any: Keras marks
    /// bfloat16 (an opaque 2-byte type, or uint16) with `dtype="bfloat16"`.
    static func classify(_ type: hid_t, dtypeAttribute: String?) -> Kind {
        let size = H5Tget_size(type)
        let order: ByteOrder = H5Tget_order(type) == H5T_ORDER_BE ? .big : .little
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            var spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0
            guard H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) >= 0 else { return .other("float") }
            let ebias = H5Tget_ebias(type)
            switch (size, spos, epos, esize, mpos, msize, ebias) {
            case (2, 15, 10, 5, 0, 10, 15): return .tensor(.float16, order)
            case (2, 15, 7, 8, 0, 7, 127): return .tensor(.bfloat16, order)
            case (4, 31, 23, 8, 0, 23, 127): return .tensor(.float32, order)
            case (8, 63, 52, 11, 0, 52, 1023): return .tensor(.float64, order)
            default: return .other("\(size)-byte float with sign \(spos), exponent \(epos)/\(esize), mantissa \(mpos)/\(msize)")
            }
        case H5T_INTEGER:
            if dtypeAttribute == "bfloat16", size == 2 { return .tensor(.bfloat16, order) }
            return integer(size: size, signed: H5Tget_sign(type) == H5T_SGN_2, order: order)
        case H5T_ENUM:
            // h5py's bool: an enum on int8 with FALSE=0 and TRUE=1.
            if size == 1, H5Tget_nmembers(type) == 2, memberName(type, 0) == "FALSE", memberName(type, 1) == "TRUE" {
                return .tensor(.bool, .little)
            }
            let base = H5Tget_super(type)
            guard base >= 0 else { return .other("enum") }
            defer { H5Tclose(base) }
            return integer(size: size, signed: H5Tget_sign(base) == H5T_SGN_2, order: order)
        case H5T_OPAQUE:
            if let name = dtypeAttribute, let dtype = DType(rawValue: name), dtype.itemSize == size {
                return .tensor(dtype, .little)
            }
            // h5py writes ml_dtypes' bfloat16 as an untagged 2-byte opaque type; without Keras' attribute
            // that is still the only 2-byte opaque type checkpoints carry.
            if size == 2 { return .tensor(.bfloat16, .little) }
            return .other("\(size)-byte opaque")
        case H5T_COMPOUND:
            return complex(type, size: size)
        case H5T_STRING:
            return .string
        default:
            return .other("HDF5 type class \(H5Tget_class(type).rawValue)")
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

    /// h5py's complex: a compound `{r, i}` of two IEEE floats of the same type.
    private static func complex(_ type: hid_t, size: Int) -> Kind {
        guard H5Tget_nmembers(type) == 2, memberName(type, 0) == "r", memberName(type, 1) == "i",
              H5Tget_member_offset(type, 0) == 0, H5Tget_member_offset(type, 1) == size / 2 else {
            return .other("compound")
        }
        let first = H5Tget_member_type(type, 0), second = H5Tget_member_type(type, 1)
        defer { if first >= 0 { H5Tclose(first) }; if second >= 0 { H5Tclose(second) } }
        guard first >= 0, second >= 0, H5Tequal(first, second) > 0 else { return .other("compound") }
        switch classify(first, dtypeAttribute: nil) {
        case .tensor(.float32, let order) where size == 8: return .tensor(.complex64, order)
        case .tensor(.float64, let order) where size == 16: return .tensor(.complex128, order)
        default: return .other("compound")
        }
    }

    private static func memberName(_ type: hid_t, _ index: UInt32) -> String? {
        guard let p = H5Tget_member_name(type, index) else { return nil }
        defer { H5free_memory(p) }
        return String(cString: p)
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
