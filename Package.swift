// swift-tools-version: 6.0
import PackageDescription

/// Engine targets keep a single-owner mutable design (module graphs, autograd nodes): language mode 5.
let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "ckpt",
    products: [
        .executable(name: "ckpt", targets: ["ckpt"]),
        .library(name: "Ckpt", targets: ["CkptCore", "CkptTensor", "CkptNN", "CkptFormats", "CkptModel", "CkptReports", "CkptWorkflows"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // zlib, not libzip: the zip reader (CkptFormats/Zip) hands STORED members (every .pt tensor) out as slices of
        // the mapped file, which libzip's zip_fread cannot do without copying, and inflates DEFLATE members straight
        // into a buffer of the declared size. Reading every member through libzip 1.7.3 instead (zip_source_buffer
        // over the mapped bytes, CRCs checked; `ckpt inspect --stats`, release build, best of 3) took 10.6 s against
        // 8.6 s for 1 GiB of np.savez_compressed .npz and 2.6 s against 1.5 s for a 1 GiB .pt (Benchmarks/README.md).
        // libhdf5 behind a process boundary: the reader's calls run in children forked by a helper process, a copy of
        // the executable its constructor takes over (Sources/CHDF5Support, hdf5_guard.h); and a file driver over a
        // descriptor for writing.
        .target(name: "CHDF5Support", dependencies: ["CHDF5"]),
        // Temporary files removed on SIGINT/SIGTERM/SIGHUP, and Linux's unnamed files (AtomicFile).
        .target(name: "CFileCleanup"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CkptCore",
                dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
                swiftSettings: swift5),
        .target(name: "CKernels"),
        .target(name: "CkptTensor", dependencies: ["CkptCore", "CBLAS", "CKernels"], swiftSettings: swift5),
        .target(name: "CkptNN",
                dependencies: ["CkptTensor", .product(name: "OrderedCollections", package: "swift-collections")],
                swiftSettings: swift5),
        // CKernels: the zip writer's and reader's CRC-32 (crc32_pclmul.c).
        .target(name: "CkptFormats", dependencies: ["CkptCore", "CHDF5", "CHDF5Support", "CFileCleanup", "CZlib", "CKernels"],
                swiftSettings: swift5),
        // The model-file language and the architectures built from Hugging Face config.json (HuggingFace/).
        .target(name: "CkptModel",
                dependencies: ["CkptNN", .product(name: "OrderedCollections", package: "swift-collections")],
                swiftSettings: swift5),
        .target(name: "CkptReports", dependencies: ["CkptCore", "CkptNN"], swiftSettings: swift5),
        // What commands do, as library calls (read → build → align → load → report): needs formats and model files,
        // which CkptReports (plain report data over StateDicts and Modules) must not import.
        .target(name: "CkptWorkflows",
                dependencies: ["CkptCore", "CkptTensor", "CkptNN", "CkptFormats", "CkptModel", "CkptReports",
                               .product(name: "OrderedCollections", package: "swift-collections")],
                swiftSettings: swift5),
        // Arguments and text rendering only: every command is parse → one CkptWorkflows call → render.
        .target(name: "CkptCLI",
                dependencies: ["CkptCore", "CkptReports", "CkptWorkflows",
                               .product(name: "ArgumentParser", package: "swift-argument-parser"),
                               .product(name: "OrderedCollections", package: "swift-collections")],
                swiftSettings: swift5),
        .executableTarget(name: "ckpt", dependencies: ["CkptCLI"], swiftSettings: swift5),
        // Shared by the test targets only (closeness, gradient checks, fixtures, SHA-256); not in any product.
        // CZlib: PNGImage reads the browser's screenshots in the report tests.
        .target(name: "CkptTestSupport",
                dependencies: ["CkptCore", "CkptTensor", "CkptFormats", "CZlib",
                               .product(name: "OrderedCollections", package: "swift-collections")],
                path: "Tests/CkptTestSupport", swiftSettings: swift5),
        .testTarget(name: "CkptTestSupportTests", dependencies: ["CkptTestSupport"], swiftSettings: swift5),
        .testTarget(name: "CkptCoreTests", dependencies: ["CkptCore", "CkptTestSupport"], swiftSettings: swift5),
        .testTarget(name: "CkptTensorTests", dependencies: ["CkptTensor", "CkptFormats", "CkptTestSupport"],
                    swiftSettings: swift5),
        .testTarget(name: "CkptNNTests", dependencies: ["CkptNN", "CkptFormats", "CkptTestSupport"], swiftSettings: swift5),
        // CBLAS, CHDF5Support, CkptTensor: HDF5HelperTests reads files while OpenBLAS multiplies and looks at the helper.
        .testTarget(name: "CkptFormatsTests", dependencies: ["CkptFormats", "CkptTestSupport", "CkptTensor", "CBLAS", "CHDF5Support"],
                    swiftSettings: swift5),
        .testTarget(name: "CkptModelTests", dependencies: ["CkptModel", "CkptFormats", "CkptTestSupport"],
                    swiftSettings: swift5),
        .testTarget(name: "CkptReportsTests", dependencies: ["CkptReports", "CkptFormats", "CkptTestSupport"],
                    swiftSettings: swift5),
        .testTarget(name: "CkptWorkflowsTests", dependencies: ["CkptWorkflows", "CkptCore", "CkptFormats", "CkptReports", "CkptNN",
                                                             "CkptTensor", "CkptTestSupport"], swiftSettings: swift5),
        .testTarget(name: "CkptCLITests", dependencies: ["CkptCLI", "CkptTestSupport"], swiftSettings: swift5),
    ]
)
