import Testing
@testable import CkptTensor

/// The engine's modes travel in a task-local `EngineContext`: two tasks in different modes at the same time each see
/// their own, and a scope ends where its closure does.
@Suite struct EngineContextTests {
    /// What a task observes of its modes, through behaviour rather than the flags themselves.
    struct Observed: Equatable {
        var recordsGraph: Bool
        var randomIsZero: Bool
        var refusesLargeTensor: Bool
        var seed: UInt64
    }

    static func observe() -> Observed {
        let x = Tensor.ones([4], requiresGrad: true)
        return Observed(recordsGraph: (x * 2).gradFn != nil,
                        randomIsZero: Tensor.randn([64]).scalars.allSatisfy { $0 == 0 },
                        refusesLargeTensor: (try? Tensor.filled([1000], 0)) == nil,
                        seed: Generator.default.initialSeed)
    }

    /// Suspends each arriving task until `parties` tasks have arrived, so both tasks are inside their scopes at once.
    actor Meeting {
        private let parties: Int
        private var arrived = 0
        private var waiting: [CheckedContinuation<Void, Never>] = []
        init(parties: Int) { self.parties = parties }

        func arrive() async {
            arrived += 1
            if arrived % parties == 0 {
                for w in waiting { w.resume() }
                waiting = []
            } else {
                await withCheckedContinuation { waiting.append($0) }
            }
        }
    }

    @Test func twoTasksInDifferentModesDoNotInterfere() async throws {
        let meeting = Meeting(parties: 2)
        let shapesOnly: @Sendable (inout EngineContext) -> Void = {
            $0.isShapesOnly = true
            $0.limits.maxOpElements = 100
            $0.generator = Generator(seed: 11)
        }
        let noGrad: @Sendable (inout EngineContext) -> Void = {
            $0.isGradEnabled = false
            $0.generator = Generator(seed: 22)
        }
        let results = await withTaskGroup(of: (Int, [Observed]).self) { group in
            for (i, change) in [shapesOnly, noGrad].enumerated() {
                group.addTask {
                    await EngineContext.with(change) {
                        // Observe once after both tasks entered their scopes and once more after both observed, so
                        // each task's observations overlap the other's scope.
                        await meeting.arrive()
                        let first = Self.observe()
                        await meeting.arrive()
                        let second = Self.observe()
                        await meeting.arrive()
                        return (i, [first, second])
                    }
                }
            }
            var byTask: [Int: [Observed]] = [:]
            for await (i, observed) in group { byTask[i] = observed }
            return byTask
        }
        let a = Observed(recordsGraph: true, randomIsZero: true, refusesLargeTensor: true, seed: 11)
        let b = Observed(recordsGraph: false, randomIsZero: false, refusesLargeTensor: false, seed: 22)
        #expect(results[0] == [a, a])
        #expect(results[1] == [b, b])
    }

    @Test func scopesNestAndEndWithTheirClosure() throws {
        let outside = EngineContext.current
        #expect(outside.isGradEnabled && !outside.isShapesOnly && outside.callDepth == 0)
        try EngineContext.with(\.isShapesOnly, true) {
            try Tensor.noGrad { () throws in
                #expect(EngineContext.current.isShapesOnly && !Tensor.isGradEnabled)
                Tensor.enableGrad { #expect(Tensor.isGradEnabled && EngineContext.current.isShapesOnly) }
                #expect(throws: TensorError.self) {
                    try EngineContext.with({ $0.limits.maxOpElements = 8 }) { _ = try Tensor.filled([9], 1) }
                }
                #expect(try Tensor.filled([9], 1).numel == 9)
            }
        }
        #expect(EngineContext.current.isGradEnabled && !EngineContext.current.isShapesOnly)
        #expect(EngineContext.current.limits == EngineLimits())
    }

    /// Seeding inside a scope that has its own generator leaves the generator every other scope uses alone.
    @Test func aScopeWithItsOwnGeneratorIsSeededApart() {
        let shared = Generator.default
        let before = shared.initialSeed
        let (a, b) = EngineContext.with(\.generator, Generator(seed: 5)) { () -> ([Float], [Float]) in
            Tensor.manualSeed(9)
            let a = Tensor.rand([8]).scalars
            Tensor.manualSeed(9)
            return (a, Tensor.rand([8]).scalars)
        }
        #expect(a == b)
        #expect(a == Tensor.rand([8], generator: Generator(seed: 9)).scalars)
        #expect(Generator.default === shared && shared.initialSeed == before)
    }

    /// Attached values are typed by their key and default until set.
    @Test func attachedValuesAreTypedByTheirKey() {
        enum Tag: EngineContextKey { static let defaultValue = "none" }
        #expect(EngineContext.current[Tag.self] == "none")
        EngineContext.with({ $0[Tag.self] = "inner" }) {
            #expect(EngineContext.current[Tag.self] == "inner")
        }
        #expect(EngineContext.current[Tag.self] == "none")
    }
}
