import CkptCore
import Foundation
import Testing
@testable import CkptFormats

/// DEFLATE members inflate to exactly their declared size, or fail saying how they differ.
@Suite struct ZipInflateTests {
    /// `zlib.compressobj(9, DEFLATED, -15)` of `hello hello hello hello, zip` (28 bytes).
    static let stream: [UInt8] = [203, 72, 205, 201, 201, 87, 200, 64, 39, 117, 20, 170, 50, 11, 0]
    static let text = Array("hello hello hello hello, zip".utf8)

    func inflate(_ bytes: [UInt8], size: Int) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try ZipInflate.inflate($0, expectedSize: size, name: "m") }
    }

    func message(_ bytes: [UInt8], size: Int) -> String {
        do { _ = try inflate(bytes, size: size); return "no error" } catch { return "\(error)" }
    }

    @Test func inflatesToTheDeclaredSize() throws {
        #expect(try inflate(Self.stream, size: Self.text.count) == Self.text)
        let prefix = try Self.stream.withUnsafeBytes { try ZipInflate.inflatePrefix($0, count: 5, name: "m") }
        #expect(prefix == Array("hello".utf8))
    }

    @Test func sizeDisagreementsAreErrors() {
        #expect(message(Self.stream, size: Self.text.count - 1).contains("inflates to more than its declared 27 bytes"))
        #expect(message(Self.stream, size: 0).contains("inflates to more than its declared 0 bytes"))
        #expect(message(Self.stream, size: Self.text.count + 1).contains("inflates to 28 bytes, not its declared 29"))
    }

    @Test func truncatedAndCorruptStreamsAreErrors() {
        for cut in 1 ..< Self.stream.count {
            let m = message(Array(Self.stream.prefix(cut)), size: Self.text.count)
            #expect(m.contains("ends inside its DEFLATE stream") || m.contains("corrupt"), "cut at \(cut): \(m)")
        }
        #expect(message([], size: 4).contains("ends inside its DEFLATE stream"))
        #expect(message([0xff, 0xff, 0xff, 0xff], size: 4).contains("corrupt DEFLATE data"))
    }
}
