import CkptNN
import CkptTensor
import Foundation

/// A Hugging Face `config.json`, read as transformers reads it: typed values by key, a class's default where the file
/// leaves one out (`save_pretrained` omits values equal to the base config's defaults), and both layouts in the wild —
/// transformers 4.x (`rope_theta`, `rope_scaling`, `torch_dtype`) and 5.x (`rope_parameters`, `dtype`).
public struct PretrainedConfig: @unchecked Sendable {
    /// Where the config was read from (for messages).
    public let path: String
    /// The JSON object's members (Foundation values: NSNumber, String, arrays, dictionaries, NSNull).
    let values: [String: Any]

    /// The config in `path`; errors name the file.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PretrainedConfigError(path: path, "cannot read the file")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let members = object as? [String: Any] else {
            throw PretrainedConfigError(path: path, "not a JSON object")
        }
        self.init(members, path: path)
    }

    /// A config from already-parsed members.
    public init(_ values: [String: Any], path: String = "config.json") {
        self.values = values
        self.path = path
    }

    /// `model_type` (`llama`, `gpt2`, …).
    public var modelType: String? { values["model_type"] as? String }

    /// The model classes the folder was saved from (`architectures`), first the one `from_pretrained` would build.
    public var architectures: [String] { (values["architectures"] as? [Any])?.compactMap { $0 as? String } ?? [] }

    /// The dtype the weights were saved in: 5.x's `dtype`, else 4.x's `torch_dtype`.
    public var dtype: String? { (values["dtype"] as? String) ?? (values["torch_dtype"] as? String) }

    /// Whether `key` is present and not null.
    public func has(_ key: String) -> Bool { values[key].map { !($0 is NSNull) } ?? false }

    /// An error about this config.
    public func error(_ message: String) -> PretrainedConfigError { PretrainedConfigError(path: path, message) }

    // MARK: Typed values (nil when absent or null; an error when of another type)

    public func int(_ key: String) throws -> Int? { try Self.int(values[key], key: key, in: self) }
    public func double(_ key: String) throws -> Double? { try Self.double(values[key], key: key, in: self) }
    public func bool(_ key: String) throws -> Bool? { try Self.bool(values[key], key: key, in: self) }

    public func string(_ key: String) throws -> String? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw error("'\(key)' must be a string") }
        return s
    }

    /// An object member (`rope_parameters`), as a config of its own for typed access.
    public func object(_ key: String) throws -> PretrainedConfig? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        guard let members = v as? [String: Any] else { throw error("'\(key)' must be an object") }
        return PretrainedConfig(members, path: path)
    }

    /// A list of strings (`layer_types`).
    public func strings(_ key: String) throws -> [String]? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        guard let list = v as? [Any], list.allSatisfy({ $0 is String }) else { throw error("'\(key)' must be a list of strings") }
        return list.compactMap { $0 as? String }
    }

    /// The number of layers under the first of `keys` present, else `fallback`: at least 1 and at most
    /// `LayerArguments.maxStackedLayers`, far above any real model's depth. Each layer is modules and tensors of its
    /// own however small its sizes: `num_hidden_layers: 2000000` took over 60 s and 9.6 GB before it was bounded.
    public func layerCount(_ keys: [String], default fallback: Int? = nil) throws -> Int {
        let n = try size(keys, default: fallback)
        guard n <= LayerArguments.maxStackedLayers else {
            throw error("'\(presentKey(keys))' is \(n); ckpt builds at most \(LayerArguments.maxStackedLayers) layers")
        }
        return n
    }

    /// A size the architecture builds from (`hidden_size`, `vocab_size`): the int under the first of `keys` present,
    /// else `fallback`, at least 1. How large the weights made of it may be is `checkWeight`'s.
    public func size(_ keys: [String], default fallback: Int? = nil) throws -> Int {
        let key = presentKey(keys)
        guard let n = try int(key) ?? fallback else { throw error("'\(key)' is missing") }
        guard n >= 1 else { throw error("'\(key)' must be at least 1, got \(n)") }
        return n
    }

    /// Refuses a weight whose sizes, named by their keys, multiply past what the engine builds now
    /// (`EngineContext.maxLayerElements`: larger when built for keys and shapes only, less under an address-space
    /// limit), before anything is allocated: `checkWeight(["vocab_size": v, "hidden_size": h])`.
    public func checkWeight(_ factors: KeyValuePairs<String, Int>) throws {
        let elements = factors.reduce(1.0) { $0 * Double($1.value) }
        let limit = EngineContext.current.maxLayerElements
        guard elements > Double(limit) else { return }
        let names = factors.map { "'\($0.key)'" }.joined(separator: " × "), sizes = factors.map { "\($0.value)" }.joined(separator: " × ")
        throw error("a weight of \(names) (\(sizes)) is too large for ckpt's engine (at most \(limit) elements)")
    }

    /// The first of `keys` the file gives (not null), else the first.
    private func presentKey(_ keys: [String]) -> String {
        keys.first { values[$0] != nil && !(values[$0] is NSNull) } ?? keys[0]
    }

    // MARK: Conversions (JSON numbers arrive as NSNumber; a bool is not a number here, nor a fraction an int)

    static func int(_ value: Any?, key: String, in config: PretrainedConfig) throws -> Int? {
        guard let v = value, !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, !isBool(n), let d = Double(exactly: n.doubleValue), d == d.rounded(), abs(d) < 1e15 else {
            throw config.error("'\(key)' must be an integer")
        }
        return Int(d)
    }

    static func double(_ value: Any?, key: String, in config: PretrainedConfig) throws -> Double? {
        guard let v = value, !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, !isBool(n) else { throw config.error("'\(key)' must be a number") }
        return n.doubleValue
    }

    static func bool(_ value: Any?, key: String, in config: PretrainedConfig) throws -> Bool? {
        guard let v = value, !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, isBool(n) else { throw config.error("'\(key)' must be true or false") }
        return n.boolValue
    }

    /// Whether a parsed JSON number is `true`/`false`.
    static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }
}

/// A config that does not describe a model ckpt can build: the file and what is wrong.
public struct PretrainedConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}
