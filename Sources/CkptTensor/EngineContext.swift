import CkptCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's modes for the code running now: grad recording, shapes-only building, size limits, the default
/// random generator, the depth of nested forward calls, and values other targets attach (CkptNN's forward hooks).
///
/// One value travels with each task (`@TaskLocal`; plain threads get their own too): a scope changes it for its
/// body and everything the body calls, and for nothing else, so two models built or run on two threads at once
/// do not see each other's modes. Nothing here is a global variable.
///
///     let shapes = try EngineContext.with(\.isShapesOnly, true) { try build(model) }   // keys and shapes only
///     try EngineContext.with({ $0.isGradEnabled = false; $0.generator = Generator(seed: 1) }) { … }
///
/// `Tensor.noGrad { }` is sugar for `EngineContext.with(\.isGradEnabled, false) { }`.
public struct EngineContext: Sendable {
    /// Whether ops record a backward graph (false inside `Tensor.noGrad`, as `torch.no_grad()`).
    public var isGradEnabled = true
    /// Whether modules are built only for their keys and shapes (PyTorch's meta device): new tensors are zero pages
    /// the operating system maps lazily and initialisers write nothing, so a printout of a 7B-parameter model costs
    /// its metadata, not 28 GB and minutes of random numbers. The values must not be used.
    public var isShapesOnly = false
    /// How large the shapes that come from files may make tensors, layers and models.
    public var limits = EngineLimits()
    /// The generator random ops and initialisers use when given none (`Generator.default`; `torch.manual_seed`
    /// seeds it). The context tasks start with holds one process-wide generator, as PyTorch does; a scope can
    /// install its own so that its random numbers do not depend on what other threads draw.
    public var generator = Generator(seed: 0)
    /// The precision products with bfloat16 weights compute in: `.float32` (the default: the weights widened exactly,
    /// float32 arithmetic) or `.bfloat16` (`--compute bfloat16`: their inputs rounded to bf16, bf16 × bf16 products
    /// summed in float32 — AVX512-BF16 where the CPU has it — and their outputs rounded to bf16, as a bf16 model's
    /// linear layers compute).
    public var computeDType: DType = .float32
    /// Elements of the float32 tile a bf16/f16 weight is widened into for sgemm, a band of output columns at a time
    /// (16 Mi elements by default: wide bands, because each sgemm call packs its whole input again).
    public var storedTileElements = 1 << 22
    /// Nested calls of pasted forward methods now running (the interpreter stops at `limits.maxCallDepth`).
    public var callDepth = 0
    /// Values other targets attach, by key type (see `EngineContextKey`).
    private var attached: [ObjectIdentifier: any Sendable] = [:]

    /// A context with the defaults: grad on, tensors initialised, standard limits, a new generator seeded 0.
    public init() {}

    /// A context as installed for a task: boxed, so that reading a setting costs one reference count, not a copy of
    /// the whole value.
    private final class Installed: Sendable {
        let context: EngineContext
        init(_ context: EngineContext) { self.context = context }
    }

    @TaskLocal private static var running = Installed(EngineContext())
    /// Grad mode is kept apart from the rest of the installed context (as `torch.is_grad_enabled()` is a flag of its
    /// own): every recorded op reads it and `noGrad` scopes nest often, so reading or flipping it touches one `Bool`.
    @TaskLocal private static var gradEnabled = true

    /// The context of the code running now.
    public static var current: EngineContext {
        var context = running.context
        context.isGradEnabled = gradEnabled
        return context
    }

    /// `current.isGradEnabled` for the ops' hot paths.
    static var isGradEnabledNow: Bool { gradEnabled }

    /// `current.isShapesOnly` for the ops' hot paths.
    static var isShapesOnlyNow: Bool { running.context.isShapesOnly }

    /// `current.limits.maxOpElements` for the ops' hot paths.
    static var maxOpElementsNow: Int { running.context.limits.maxOpElements }

    /// `current.computeDType` for the products' hot paths.
    static var computeDTypeNow: DType { running.context.computeDType }

    /// `current.storedTileElements` for the products.
    static var storedTileElementsNow: Int { running.context.storedTileElements }

    /// `current.generator`, for ops given no generator.
    static var generatorNow: Generator { running.context.generator }

    /// Runs `body` with `context` as the current context.
    public static func with<R>(_ context: EngineContext, _ body: () throws -> R) rethrows -> R {
        try $running.withValue(Installed(context)) { try $gradEnabled.withValue(context.isGradEnabled, operation: body) }
    }

    /// Runs `body` with the current context changed by `change`: `EngineContext.with({ $0.isShapesOnly = true }) { … }`.
    public static func with<R>(_ change: (inout EngineContext) -> Void, _ body: () throws -> R) rethrows -> R {
        var context = current
        change(&context)
        return try with(context, body)
    }

    /// Runs `body` with one setting of the current context changed: `EngineContext.with(\.isShapesOnly, true) { … }`.
    public static func with<V, R>(_ setting: WritableKeyPath<EngineContext, V>, _ value: V,
                                  _ body: () throws -> R) rethrows -> R {
        var context = current
        context[keyPath: setting] = value
        return try with(context, body)
    }

    /// `with(\.isGradEnabled, enabled, body)` for `Tensor.noGrad`/`enableGrad`, which ops call often and nest: only
    /// the grad flag is installed, and nothing when it already has that value.
    static func with<R>(gradEnabled enabled: Bool, _ body: () throws -> R) rethrows -> R {
        if gradEnabled == enabled { return try body() }
        return try $gradEnabled.withValue(enabled, operation: body)
    }

    /// Runs the asynchronous `body` with `context` as the current context (child tasks it starts inherit it).
    public static func with<R>(_ context: EngineContext, _ body: () async throws -> R) async rethrows -> R {
        try await $running.withValue(Installed(context)) {
            try await $gradEnabled.withValue(context.isGradEnabled, operation: body)
        }
    }

    /// Runs the asynchronous `body` with the current context changed by `change`.
    public static func with<R>(_ change: (inout EngineContext) -> Void, _ body: () async throws -> R) async rethrows -> R {
        var context = current
        change(&context)
        return try await with(context, body)
    }

    /// Runs the asynchronous `body` with one setting of the current context changed.
    public static func with<V, R>(_ setting: WritableKeyPath<EngineContext, V>, _ value: V,
                                  _ body: () async throws -> R) async rethrows -> R {
        var context = current
        context[keyPath: setting] = value
        return try await with(context, body)
    }

    /// The value attached under `key`, or the key's default. Targets above the engine keep their own typed values in
    /// the context this way (CkptNN's forward hooks take a `Module` and a `ModuleValue`, types the engine does not know).
    public subscript<Key: EngineContextKey>(key: Key.Type) -> Key.Value {
        get { attached[ObjectIdentifier(key)] as? Key.Value ?? Key.defaultValue }
        set { attached[ObjectIdentifier(key)] = newValue }
    }

    /// The largest product of one layer's sizes that may be built now: `limits.maxLayerElements`; when building
    /// shapes only, `limits.maxShapesOnlyLayerElements` or the float32 elements the address space still holds
    /// under a limit (`ulimit -v`), whichever is less.
    public var maxLayerElements: Int {
        isShapesOnly ? Swift.min(limits.maxShapesOnlyLayerElements, EngineLimits.addressSpaceLeftElements())
            : limits.maxLayerElements
    }
}

/// A typed slot in `EngineContext` for a value a target above the engine owns, as SwiftUI's environment keys:
/// declare `enum MyKey: EngineContextKey { static let defaultValue = … }` and read `context[MyKey.self]`.
public protocol EngineContextKey {
    /// What the slot holds.
    associatedtype Value: Sendable
    /// The value of a context nothing was attached to.
    static var defaultValue: Value { get }
}

/// Size limits for shapes that come from checkpoints and model files: past them an op or a builder throws instead
/// of exhausting memory. A context raises them where a workload is known to need it.
public struct EngineLimits: Sendable, Equatable {
    /// Largest element count one op may allocate, its result or a scratch buffer such as a convolution's column
    /// matrix (2^30 floats, 4 GiB).
    public var maxOpElements = 1 << 30
    /// Most parameter and buffer elements a model built to run may hold (2^31: 8 GiB of float32), and the largest
    /// tensor a model file may declare.
    public var maxModelElements = 1 << 31
    /// Largest product of one layer's size arguments (times 16, room for an LSTM's four gates and two directions)
    /// when the layer is built to run: keeps a hostile file from asking for tens of gigabytes.
    public var maxLayerElements = 1 << 31
    /// The same when built for keys and shapes only (no memory is touched): as large as any real layer, such as a
    /// 405B model's 128256 × 16384 head. Under an address-space limit (`ulimit -v`) a layer is also bounded by the
    /// room left (`addressSpaceLeftElements`): untouched zero pages still take address space, and a mapping that
    /// cannot be made would end the process instead of refusing the file.
    public var maxShapesOnlyLayerElements = 1 << 36
    /// Most tensors one op may return (`unbind`, `split`, `chunk`): each is an object even when it holds nothing.
    public var maxPieces = 1 << 20
    /// Deepest nesting of pasted forward methods calling one another.
    public var maxCallDepth = 200

    /// The standard limits.
    public init() {}

    /// The float32 elements that still fit in the address space under its limit (RLIMIT_AS): the limit less what
    /// the process has mapped now (`/proc/self/statm`), so that the layers of one model, each under the limit,
    /// cannot together outgrow it. `Int.max` when there is no limit.
    static func addressSpaceLeftElements() -> Int {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_AS.rawValue)
        #else
        let resource = RLIMIT_AS
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return .max }
        let bytes = Int(clamping: limit.rlim_cur) - mappedBytes()
        return Swift.max(0, bytes) / MemoryLayout<Float>.stride
    }

    /// The process's mapped size in bytes (the first field of `/proc/self/statm`, in pages); 0 where unknown.
    private static func mappedBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii),
              let pages = text.split(separator: " ").first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
