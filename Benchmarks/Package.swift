// swift-tools-version: 6.0
import PackageDescription

/// ckpt's benchmarks, a package of their own so that building or testing ckpt builds none of them. Each runs beside
/// a PyTorch script on the same work (README.md); build them with `swift build -c release --package-path Benchmarks`.
let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5)]
let ckpt: Target.Dependency = .product(name: "Ckpt", package: "ckpt")

let package = Package(
    name: "ckpt-benchmarks",
    dependencies: [.package(name: "ckpt", path: "..")],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "tensor/COpenBLAS", pkgConfig: "openblas"),
        // Shared/timing.py is the PyTorch scripts' twin of Timing.swift, not a source of this target.
        .target(name: "BenchTiming", path: "Shared", exclude: ["timing.py"], swiftSettings: swift5),
        .executableTarget(name: "bench-tensor", dependencies: ["BenchTiming", "COpenBLAS", ckpt], path: "tensor/Sources",
                          swiftSettings: swift5 + [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .executableTarget(name: "bench-conv", dependencies: ["BenchTiming", ckpt], path: "conv/Sources", swiftSettings: swift5),
        .executableTarget(name: "bench-nn", dependencies: ["BenchTiming", ckpt], path: "nn/Sources", swiftSettings: swift5),
    ]
)
