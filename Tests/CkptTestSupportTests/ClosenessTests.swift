import CkptTestSupport
import Testing

/// The one closeness rule of the suites: it must reject what is out of bounds, or the tests using it prove nothing.
@Suite struct ClosenessTests {
    @Test func boundIsRelativeAboveTheFloorAndAbsoluteBelow() {
        let c = Closeness(tolerance: 1e-3)
        #expect(c.accepts(1000.9, 1000))
        #expect(!c.accepts(1001.1, 1000))
        #expect(c.accepts(0.0009, 0))
        #expect(!c.accepts(0.0011, 0))
        let relative = Closeness(tolerance: 1e-3, floor: 0)
        #expect(!relative.accepts(1e-9, 0))
        #expect(relative.accepts(1.0009e-6, 1e-6))
    }

    @Test func nanAndInfinityMatchOnlyThemselves() {
        let c = Closeness()
        #expect(c.accepts(.nan, .nan))
        #expect(c.accepts(.infinity, .infinity))
        #expect(!c.accepts(.nan, 0))
        #expect(!c.accepts(0, .nan))
        #expect(!c.accepts(-.infinity, .infinity))
        #expect(!c.accepts(1e30, .infinity))
    }

    @Test func worstElementIsFoundPastAMatchingNaN() {
        let c = Closeness(tolerance: 1e-5)
        let actual: [Float] = [1, .nan, 2.5, 3]
        let expected: [Float] = [1, .nan, 2, 3]
        let worst = c.worst(actual, expected)
        #expect(worst?.index == 2)
        #expect(c.mismatch(actual, expected) != nil)
        #expect(c.mismatch([Float](repeating: 1, count: 3), [Float](repeating: 1, count: 2)) != nil)
        #expect(c.mismatch(expected, expected) == nil)
    }

    @Test func scaleIsTheLargestFiniteMagnitudeAtLeastOne() {
        #expect(Closeness.scale([0.5, -0.25] as [Float]) == 1)
        #expect(Closeness.scale([3, -40, .infinity] as [Double]) == 40)
    }
}
