import CZlib
import Foundation

/// The pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what a browser's screenshot is), for checks such as
/// "this screenshot is not blank". Other PNGs are refused.
public struct PNGImage {
    public let width: Int
    public let height: Int
    /// Bytes per pixel: 3 (RGB) or 4 (RGBA).
    public let channels: Int
    /// Rows top to bottom, `channels` bytes per pixel.
    public let pixels: [UInt8]

    public init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0 ..< 8].elementsEqual([137, 80, 78, 71, 13, 10, 26, 10]) else { throw PNGError("not a PNG") }
        func be32(_ i: Int) -> Int { bytes[i ..< i + 4].reduce(0) { $0 << 8 | Int($1) } }
        var at = 8, header: [UInt8] = [], compressed: [UInt8] = []
        while at + 12 <= bytes.count {
            let length = be32(at), type = String(decoding: bytes[at + 4 ..< at + 8], as: UTF8.self)
            guard at + 12 + length <= bytes.count else { throw PNGError("chunk \(type) runs past the end") }
            let body = bytes[at + 8 ..< at + 8 + length]
            if type == "IHDR" { header = Array(body) } else if type == "IDAT" { compressed += body } else if type == "IEND" { break }
            at += 12 + length
        }
        guard header.count == 13 else { throw PNGError("no IHDR") }
        width = header[0 ..< 4].reduce(0) { $0 << 8 | Int($1) }
        height = header[4 ..< 8].reduce(0) { $0 << 8 | Int($1) }
        guard header[8] == 8, header[9] == 2 || header[9] == 6, header[12] == 0 else {
            throw PNGError("only 8-bit RGB/RGBA non-interlaced PNGs (depth \(header[8]), colour type \(header[9]))")
        }
        channels = header[9] == 6 ? 4 : 3
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var size = uLongf(raw.count)
        let status = raw.withUnsafeMutableBytes { out in
            compressed.withUnsafeBytes { src in
                uncompress(out.baseAddress!.assumingMemoryBound(to: Bytef.self), &size,
                           src.baseAddress!.assumingMemoryBound(to: Bytef.self), uLong(src.count))
            }
        }
        guard status == Z_OK, Int(size) == raw.count else { throw PNGError("image data does not inflate to \(raw.count) bytes") }
        pixels = try Self.unfilter(raw, height: height, stride: stride, bpp: channels)
    }

    /// Undoes the per-row filters (None, Sub, Up, Average, Paeth).
    static func unfilter(_ raw: [UInt8], height: Int, stride: Int, bpp: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * stride)
        for y in 0 ..< height {
            let filter = raw[y * (stride + 1)], src = y * (stride + 1) + 1, row = y * stride
            for x in 0 ..< stride {
                let a = x >= bpp ? Int(out[row + x - bpp]) : 0
                let b = y > 0 ? Int(out[row - stride + x]) : 0
                let c = x >= bpp && y > 0 ? Int(out[row - stride + x - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw PNGError("unknown row filter \(filter)")
                }
                out[row + x] = UInt8(truncatingIfNeeded: Int(raw[src + x]) + predictor)
            }
        }
        return out
    }

    /// The colour (RGB) of pixel `(x, y)`.
    public func rgb(_ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * width + x) * channels
        return Array(pixels[i ..< i + 3])
    }

    /// How many distinct RGB colours the image holds (counting stops at `limit`).
    public func distinctColors(limit: Int = 1 << 16) -> Int {
        var seen = Set<Int>()
        var i = 0
        while i < pixels.count && seen.count < limit {
            seen.insert(Int(pixels[i]) << 16 | Int(pixels[i + 1]) << 8 | Int(pixels[i + 2]))
            i += channels
        }
        return seen.count
    }

    /// The fraction of pixels whose colour differs from the top-left pixel's (the page background).
    public var nonBackgroundFraction: Double {
        let background = rgb(0, 0)
        var differ = 0
        for i in Swift.stride(from: 0, to: pixels.count, by: channels) where !pixels[i ..< i + 3].elementsEqual(background) { differ += 1 }
        return Double(differ) / Double(max(1, width * height))
    }

    /// The mean luminance (0 black … 255 white).
    public var meanLuminance: Double {
        var total = 0.0
        for i in Swift.stride(from: 0, to: pixels.count, by: channels) {
            total += 0.2126 * Double(pixels[i]) + 0.7152 * Double(pixels[i + 1]) + 0.0722 * Double(pixels[i + 2])
        }
        return total / Double(max(1, width * height))
    }
}

/// A PNG this reader cannot read.
public struct PNGError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
