import ArgumentParser

/// How two checkpoints are compared: tolerances and key renames, the same for `diff` and `report A B`.
struct ComparisonArguments: ParsableArguments {
    @Option(help: "Absolute tolerance (0: exact).")
    var atol: Double = 0

    @Option(help: "Relative tolerance, relative to B.")
    var rtol: Double = 0

    @Option(name: .customLong("map-a"), help: ArgumentHelp("Rename A's keys first: REGEX=REPLACEMENT (repeatable; \\1 or $1 for groups).", valueName: "regex=replacement"))
    var mapA: [String] = []

    @Option(name: .customLong("map-b"), help: ArgumentHelp("Rename B's keys first: REGEX=REPLACEMENT (repeatable).", valueName: "regex=replacement"))
    var mapB: [String] = []

    /// True when any option differs from its default (they mean nothing without a second checkpoint).
    var isSet: Bool { atol != 0 || rtol != 0 || !mapA.isEmpty || !mapB.isEmpty }

    func validate() throws {
        guard atol >= 0, rtol >= 0, !atol.isNaN, !rtol.isNaN else {
            throw ValidationError("--atol and --rtol must be non-negative numbers")
        }
    }
}
