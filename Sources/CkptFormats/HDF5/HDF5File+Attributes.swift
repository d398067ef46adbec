import CHDF5
import CkptCore

/// An attribute's value: strings (fixed- or variable-length, decoded as UTF-8), numbers, or a description.
enum HDF5Value: Equatable {
    case strings([String], scalar: Bool)
    case ints([Int], scalar: Bool)
    case floats([Double], scalar: Bool)
    case other(String)

    /// The strings of a string value (one for a scalar), else nil.
    var strings: [String]? {
        if case .strings(let s, _) = self { return s }
        // Keras 3 writes an empty `weight_names` as an empty float64 array.
        if case .floats(let f, _) = self, f.isEmpty { return [] }
        return nil
    }

    /// The value as one line of text: a scalar as itself, an array as `[a, b]` (strings quoted).
    var text: String {
        func list<T>(_ xs: [T], scalar: Bool, _ show: (T) -> String) -> String {
            scalar && xs.count == 1 ? show(xs[0]) : "[" + xs.map(show).joined(separator: ", ") + "]"
        }
        switch self {
        case .strings(let s, let scalar):
            return scalar && s.count == 1 ? s[0] : "[" + s.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .ints(let v, let scalar): return list(v, scalar: scalar) { String($0) }
        case .floats(let v, let scalar): return list(v, scalar: scalar) { String($0) }
        case .other(let d): return "<\(d)>"
        }
    }

    /// As a checkpoint value (metadata of a non-tensor dataset).
    var checkpointValue: CheckpointValue {
        func wrap<T>(_ xs: [T], _ scalar: Bool, _ f: (T) -> CheckpointValue) -> CheckpointValue {
            scalar && xs.count == 1 ? f(xs[0]) : .list(xs.map(f))
        }
        switch self {
        case .strings(let s, let scalar): return wrap(s, scalar) { .string($0) }
        case .ints(let v, let scalar): return wrap(v, scalar) { .int($0) }
        case .floats(let v, let scalar): return wrap(v, scalar) { .float($0) }
        case .other(let d): return .string("<\(d)>")
        }
    }
}

extension HDF5File {
    /// Largest attribute or string dataset read whole, in bytes.
    static let maxValueBytes = 64 << 20

    /// The names of the attributes of the object at `path`, in name order.
    func attributeNames(of path: String) throws -> [String] {
        var info = H5O_info_t()
        try HDF5Library.check(H5Oget_info_by_name2(id, path, &info, UInt32(H5O_INFO_NUM_ATTRS), ckpt_H5P_DEFAULT()),
                              "cannot read object '\(path)'")
        var names: [String] = []
        for i in 0 ..< min(Int(clamping: info.num_attrs), 1 << 16) {
            let n = H5Aget_name_by_idx(id, path, H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), nil, 0, ckpt_H5P_DEFAULT())
            guard n >= 0, n < HDF5File.maxNameLength else { throw HDF5Library.failure("cannot list attributes of '\(path)'") }
            var buf = [CChar](repeating: 0, count: Int(n) + 1)
            guard H5Aget_name_by_idx(id, path, H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), &buf, buf.count, ckpt_H5P_DEFAULT()) >= 0 else {
                throw HDF5Library.failure("cannot list attributes of '\(path)'")
            }
            names.append(String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// The attribute `name` of the object at `path`, or nil when it does not exist.
    func attribute(_ name: String, of path: String) throws -> HDF5Value? {
        guard H5Aexists_by_name(id, path, name, ckpt_H5P_DEFAULT()) > 0 else {
            _ = HDF5Library.lastError()
            return nil
        }
        let attr = try HDF5ID.checked(H5Aopen_by_name(id, path, name, ckpt_H5P_DEFAULT(), ckpt_H5P_DEFAULT()),
                                      "cannot open attribute '\(name)' of '\(path)'", closer: H5Aclose)
        let type = try HDF5ID.checked(H5Aget_type(attr.id), "cannot read attribute '\(name)'", closer: H5Tclose)
        let space = try HDF5ID.checked(H5Aget_space(attr.id), "cannot read attribute '\(name)'", closer: H5Sclose)
        // An attribute's raw value is stored in the file (variable-length strings as 16-byte heap ids), so it
        // cannot be larger than the file: a corrupt size would have libhdf5 allocate and read that much.
        let points = H5Sget_simple_extent_npoints(space.id)
        let stored = H5Tis_variable_str(type.id) > 0 ? 16 : max(H5Tget_size(type.id), 1)
        guard points >= 0, Int(points) <= size / stored else {
            throw CheckpointError.malformed("attribute '\(name)' of '\(path)' claims more bytes than the file holds")
        }
        return try readValue(type: type.id, space: space.id, what: "attribute '\(name)' of '\(path)'") { mem, buf in
            H5Aread(attr.id, mem, buf)
        }
    }

    /// Reads a whole string or numeric value (attribute or small dataset) through `read(memType, buffer)`.
    func readValue(type: hid_t, space: hid_t, what: String,
                   _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> HDF5Value {
        let points = H5Sget_simple_extent_npoints(space)
        guard points >= 0 else { throw HDF5Library.failure("cannot read the shape of \(what)") }
        let scalar = H5Sget_simple_extent_type(space) == H5S_SCALAR
        let n = Int(points)
        let itemSize = max(H5Tget_size(type), 1)
        guard n <= HDF5File.maxValueBytes / itemSize, n <= HDF5File.maxValueBytes / 8 else {
            throw CheckpointError.tooLarge("\(what) holds \(n) values")
        }
        switch H5Tget_class(type) {
        case H5T_STRING:
            return .strings(try readStrings(type: type, count: n, what: what, read), scalar: scalar)
        case H5T_INTEGER, H5T_ENUM:
            var values = [Int64](repeating: 0, count: n)
            if n > 0 {
                try HDF5Library.check(values.withUnsafeMutableBytes { read(ckpt_H5T_NATIVE_INT64(), $0.baseAddress!) }, "cannot read \(what)")
            }
            return .ints(values.map { Int($0) }, scalar: scalar)
        case H5T_FLOAT:
            var values = [Double](repeating: 0, count: n)
            if n > 0 {
                try HDF5Library.check(values.withUnsafeMutableBytes { read(ckpt_H5T_NATIVE_DOUBLE(), $0.baseAddress!) }, "cannot read \(what)")
            }
            return .floats(values, scalar: scalar)
        default:
            return .other("HDF5 type class \(H5Tget_class(type).rawValue)")
        }
    }

    private func readStrings(type: hid_t, count n: Int, what: String,
                             _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        guard n > 0 else { return [] }
        if H5Tis_variable_str(type) > 0 {
            try checkGlobalHeapsOnce()
            let mem = try HDF5ID.checked(H5Tcopy(ckpt_H5T_C_S1()), "cannot read \(what)", closer: H5Tclose)
            H5Tset_size(mem.id, ckpt_H5T_VARIABLE())
            H5Tset_cset(mem.id, H5Tget_cset(type))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
            try HDF5Library.check(pointers.withUnsafeMutableBytes { read(mem.id, $0.baseAddress!) }, "cannot read \(what)")
            defer { for p in pointers { if let p { H5free_memory(p) } } }
            return pointers.map { p in p.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? "" }
        }
        // Fixed-length (Keras 2 / numpy `S`): NULLTERM, NULLPAD or SPACEPAD.
        let size = H5Tget_size(type)
        let mem = try HDF5ID.checked(H5Tcopy(type), "cannot read \(what)", closer: H5Tclose)
        var bytes = [UInt8](repeating: 0, count: n * size)
        try HDF5Library.check(bytes.withUnsafeMutableBytes { read(mem.id, $0.baseAddress!) }, "cannot read \(what)")
        let spacePadded = H5Tget_strpad(type) == H5T_STR_SPACEPAD
        return (0 ..< n).map { i in
            var item = bytes[i * size ..< (i + 1) * size]
            if let end = item.firstIndex(of: 0) { item = item[..<end] }
            if spacePadded { while item.last == 0x20 { item = item.dropLast() } }
            return String(decoding: item, as: UTF8.self)
        }
    }
}
