import Foundation
import Testing
import CkptNN
import CkptTensor
@testable import CkptModel

/// Forward hooks and the depth of nested pasted calls live in each thread's `EngineContext`: two models run at once
/// on two threads, each deep in recursion at the same moment, and each hook sees only its own thread's modules.
@Suite struct ForwardContextTests {
    /// A forward that recurses `depth` calls deep, then calls `last` (where the hooks meet).
    static func model(depth: Int) throws -> Module {
        try ModelBuilder.build(text: """
        Net(
          (last): Identity()
        )

        class Net(nn.Module):
            def forward(self, x):
                return self.down(x, \(depth))

            def down(self, x, n):
                if n == 0:
                    return self.last(x)
                return self.down(x, n - 1)
        """)
    }

    /// Blocks each arriving thread until `parties` have arrived (false after 20 s, so a broken test cannot hang).
    final class Meeting: @unchecked Sendable {
        private let condition = NSCondition()
        private var arrived = 0
        private let parties: Int
        init(parties: Int) { self.parties = parties }

        func arrive() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            arrived += 1
            condition.broadcast()
            let deadline = Date().addingTimeInterval(20)
            while arrived < parties {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    /// What one thread's hook saw, written by that thread only and read after it finished.
    final class Seen: @unchecked Sendable {
        var modules: [ObjectIdentifier] = []
        var met = false
        var error: String?
    }

    @Test func twoThreadsRecursingAtOnceKeepTheirOwnDepthAndHooks() throws {
        // 150 nested calls each: together they would pass the limit of 200 if the depth were shared.
        let depth = 150
        #expect(EngineLimits().maxCallDepth < 2 * (depth + 1))
        let models = [try Self.model(depth: depth), try Self.model(depth: depth)]
        let meeting = Meeting(parties: 2)
        let seen = [Seen(), Seen()]
        let done = DispatchGroup()
        for i in 0..<2 {
            done.enter()
            let model = models[i], mine = seen[i]
            Thread {
                defer { done.leave() }
                let hook: ModuleForwardHook = { m, _ in
                    mine.modules.append(ObjectIdentifier(m))
                    if m is Identity { mine.met = meeting.arrive() }
                }
                do { _ = try Module.withForwardHook(hook) { try model(Tensor.ones([2])) } } catch {
                    mine.error = "\(error)"
                }
            }.start()
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        for i in 0..<2 {
            #expect(seen[i].error == nil, "\(seen[i].error ?? "")")
            #expect(seen[i].met, "thread \(i) did not meet the other inside its forward")
            let own = Set(models[i].namedModules().map { ObjectIdentifier($0.1) })
            #expect(seen[i].modules.count == 2 && Set(seen[i].modules).isSubset(of: own))
        }
    }

    @Test func theContextLimitsRecursion() throws {
        let model = try Self.model(depth: 10)
        #expect(try model(Tensor.ones([2])).scalars == [1, 1])
        do {
            _ = try EngineContext.with({ $0.limits.maxCallDepth = 10 }) { try model(Tensor.ones([2])) }
            Issue.record("recursion past the context's limit did not stop")
        } catch let e as ForwardError {
            #expect(e.message == "maximum recursion depth exceeded calling down()")
        }
    }

    /// A hook installed around one call sees that call's modules, child first, and is gone after it.
    @Test func hooksAreScoped() throws {
        let model = try Self.model(depth: 2)
        let seen = Seen()
        _ = try Module.withForwardHook({ m, _ in seen.modules.append(ObjectIdentifier(m)) }) { try model(Tensor.ones([2])) }
        _ = try model(Tensor.ones([2]))
        let last = try #require(model.namedModules().first { $0.0 == "last" }?.1)
        #expect(seen.modules == [ObjectIdentifier(last), ObjectIdentifier(model)])
        #expect(EngineContext.current.forwardHooks.isEmpty)
    }
}
