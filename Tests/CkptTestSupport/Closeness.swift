import Testing

/// How far computed values may stand from reference values: `|actual − expected| ≤ tolerance · max(floor, |expected|)`.
///
/// With the default floor of 1 the bound is relative for large values and absolute (`tolerance`) near zero. A floor
/// of 0 makes it purely relative; a floor of the reference tensor's largest magnitude (`Closeness.scale`) judges
/// every element against the tensor's scale, for outputs where cancellation leaves small elements. NaN matches NaN
/// and an infinity matches the same infinity; anything else against a NaN or an infinity is out of bounds.
public struct Closeness: Sendable {
    public var tolerance: Double
    public var floor: Double

    public init(tolerance: Double = 1e-5, floor: Double = 1) {
        self.tolerance = tolerance
        self.floor = floor
    }

    /// `max(1, max |expected|)`: the floor that measures errors against a whole tensor's scale.
    public static func scale<E: BinaryFloatingPoint>(_ expected: [E]) -> Double {
        expected.reduce(1.0) { Swift.max($0, Swift.abs(Double($1)).isFinite ? Swift.abs(Double($1)) : 0) }
    }

    /// The error of one value in units of the allowed bound's scale: `|a − e| / max(floor, |e|)` (0 for matching
    /// NaNs and infinities, infinity for a NaN or an infinity against anything else).
    public func error(_ actual: Double, _ expected: Double) -> Double {
        if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN ? 0 : .infinity }
        if actual.isInfinite || expected.isInfinite { return actual == expected ? 0 : .infinity }
        let scale = Swift.max(floor, Swift.abs(expected))
        let difference = Swift.abs(actual - expected)
        return scale > 0 ? difference / scale : (difference == 0 ? 0 : .infinity)
    }

    public func accepts(_ actual: Double, _ expected: Double) -> Bool { error(actual, expected) <= tolerance }

    /// The largest error over the elements and where it is, or nil when the counts differ.
    public func worst<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(_ actual: [A], _ expected: [E])
        -> (error: Double, index: Int)? {
        guard actual.count == expected.count else { return nil }
        var worst = (error: 0.0, index: -1)
        for i in actual.indices {
            let e = error(Double(actual[i]), Double(expected[i]))
            if e > worst.error { worst = (e, i) }
        }
        return worst
    }

    /// Describes the worst element outside the bound, or nil when every element is within it.
    public func mismatch<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(_ actual: [A], _ expected: [E]) -> String? {
        guard let w = worst(actual, expected) else { return "\(actual.count) values, expected \(expected.count)" }
        guard w.error > tolerance else { return nil }
        return "worst error \(w.error) at \(w.index) (got \(actual[w.index]), expected \(expected[w.index]); "
            + "tolerance \(tolerance) × max(\(floor), |expected|))"
    }
}

/// Expects `actual` to match `expected` elementwise within `tolerance · max(floor, |expected|)` (see `Closeness`);
/// nil `actual` (a missing gradient, say) is a failure.
public func expectClose<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ actual: [A]?, _ expected: [E], tolerance: Double = 1e-5, floor: Double = 1, _ what: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let actual else {
        Issue.record("\(what()): no values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    if let problem = Closeness(tolerance: tolerance, floor: floor).mismatch(actual, expected) {
        Issue.record("\(what()): \(problem)", sourceLocation: sourceLocation)
    }
}

/// Expects one value within `tolerance · max(floor, |expected|)` of `expected` (see `Closeness`).
public func expectClose<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ actual: A?, _ expected: E, tolerance: Double = 1e-5, floor: Double = 1, _ what: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(actual.map { [$0] }, [expected], tolerance: tolerance, floor: floor, what(), sourceLocation: sourceLocation)
}
