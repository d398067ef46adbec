// swift-tools-version: 6.0
import PackageDescription

/// ckpt's in-process fuzzing (libFuzzer with AddressSanitizer), a package of its own so that building or testing
/// ckpt builds none of it. One binary holds every target; `CKPT_FUZZ_TARGET` picks one (README.md). Built by
/// `make fuzz` with `-sanitize=fuzzer,address` on every target, ckpt's C targets included.
let package = Package(
    name: "ckpt-fuzz",
    dependencies: [.package(name: "ckpt", path: "..")],
    targets: [
        // -parse-as-library: no Swift main; FuzzDriver's ckpt_fuzz_main (what SwiftPM links as main) runs libFuzzer.
        .target(name: "FuzzDriver", path: "Sources/FuzzDriver"),
        .executableTarget(name: "ckpt-fuzz", dependencies: ["FuzzDriver", .product(name: "Ckpt", package: "ckpt")],
                          path: "Sources/ckpt-fuzz",
                          swiftSettings: [.swiftLanguageMode(.v5), .unsafeFlags(["-parse-as-library"])]),
    ]
)
