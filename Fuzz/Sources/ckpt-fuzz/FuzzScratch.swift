import Foundation

/// A scratch folder for the files a target reads (ckpt's readers map files): in /dev/shm where it exists, removed
/// when the fuzzer exits normally. Each input overwrites the same names.
enum FuzzScratch {
    nonisolated(unsafe) static var folder = ""

    static func prepare() {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        folder = base + "/ckpt-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzScratch.folder) }
    }

    /// Writes `bytes` to `name` in the scratch folder; returns its path.
    @discardableResult
    static func write(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let path = folder + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return path }
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = Foundation.write(fd, base + done, bytes.count - done)
            if n <= 0 { break }
            done += n
        }
        close(fd)
        return path
    }

    /// Copies the fixture `relative` (under Fixtures/) into the scratch folder as `name`.
    static func copyFixture(_ relative: String, as name: String) {
        let source = fixtures + "/" + relative, target = folder + "/" + name
        try? FileManager.default.removeItem(atPath: target)
        try? FileManager.default.copyItem(atPath: source, toPath: target)
    }

    /// The repository's Fixtures folder (this file is Fuzz/Sources/ckpt-fuzz/FuzzScratch.swift).
    static let fixtures: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures").path
    }()
}
