import CBLAS
import CHDF5Support
import CkptCore
import CkptTensor
import CkptTestSupport
import Foundation
import Testing
@testable import CkptFormats

/// libhdf5's children are forked by a helper process, a copy of the test runner that its constructor turned into
/// a small single-threaded server (Sources/CHDF5Support/hdf5_helper.c, issue 15): this process never forks.
@Suite struct HDF5HelperTests {
    /// The committed manifest of a file with chunked datasets: reading it asks for a description and for reads.
    static let chunked = "hdf5/keras2_chunked.h5"

    static func readChunked() throws -> [TensorRecord] {
        try TensorRecord.records(HDF5Reader.read(MappedFile(path: Fixtures.path(chunked))))
    }

    /// A fork of this process while OpenBLAS's threads multiply runs OpenBLAS's pre-fork handler, which waits for
    /// them, and once waited forever (`make test` then ran with one OpenBLAS thread). Here a task multiplies
    /// 512×512 matrices on two OpenBLAS threads for as long as HDF5 files are read (descriptions and chunked
    /// reads): every read completes, correct, through the helper.
    @Test func readsCompleteWhileOpenBLASMultiplies() async throws {
        if openblas_get_num_threads() < 2 { openblas_set_num_threads(2) }
        let expected = try FileManifest.of(HDF5HelperTests.chunked).tensors
        let products = ProductCounter()
        let a = Tensor.rand([512, 512]), b = Tensor.rand([512, 512])
        let multiplying = Task.detached {
            while !products.stopped {
                _ = try a.mm(b)
                products.add()
            }
        }
        while products.count == 0 { await Task.yield() }
        for _ in 0 ..< 40 { #expect(try HDF5HelperTests.readChunked() == expected) }
        products.stop()
        try await multiplying.value
        #expect(ckpt_h5g_helper_pid() > 0)
    }

    /// The helper runs one thread and holds nothing of this process but its socket: standard input and output on
    /// /dev/null, the socket, and the signalfd that reports its children's ends (between jobs, which the library
    /// lock excludes here).
    @Test func helperIsSingleThreadedAndHoldsOnlyItsSocket() throws {
        // Inside the library lock (recursive) no other test's job runs and no other test kills the helper.
        try HDF5Library.locked {
            _ = try HDF5HelperTests.readChunked()
            let pid = ckpt_h5g_helper_pid()
            try #require(pid > 0)
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            #expect(status.split(separator: "\n").contains("Threads:\t1"), "\(status)")
            let folder = "/proc/\(pid)/fd"
            var held: [String: String] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                held[name] = try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + name)
            }
            #expect(held.count == 5, "\(held)")
            for fd in ["0", "1", "2"] { #expect(held[fd] == "/dev/null", "\(held)") }
            #expect(held["3"]?.hasPrefix("socket:") == true, "\(held)")
            #expect(held.values.contains("anon_inode:[signalfd]"), "\(held)")
        }
    }

    /// A helper that dies (killed from outside) is replaced by the next job, which reads the file as before.
    @Test func aKilledHelperIsReplaced() throws {
        try HDF5Library.locked {
            let expected = try HDF5HelperTests.readChunked()
            let first = ckpt_h5g_helper_pid()
            try #require(first > 0)
            kill(first, SIGKILL)
            #expect(try HDF5HelperTests.readChunked() == expected)
            let second = ckpt_h5g_helper_pid()
            #expect(second > 0 && second != first)
        }
    }

    /// An image that exists only in memory (an inflated `.keras` member) reaches the child as a memory file.
    @Test func inMemoryImagesAreReadThroughTheHelper() throws {
        let file = try MappedFile(path: Fixtures.path(HDF5HelperTests.chunked))
        let bytes = try file.copyBytes(offset: 0, count: file.size)
        let h5 = try HDF5File(bytes: bytes)
        #expect(h5.image.fd >= 0)
        #expect(try TensorRecord.records(HDF5Reader.read(h5)) == HDF5HelperTests.readChunked())
    }
}

/// Products done by the multiplying task, and the flag that stops it.
private final class ProductCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0, stopRequested = false
    var count: Int { lock.withLock { done } }
    var stopped: Bool { lock.withLock { stopRequested } }
    func add() { lock.withLock { done += 1 } }
    func stop() { lock.withLock { stopRequested = true } }
}
