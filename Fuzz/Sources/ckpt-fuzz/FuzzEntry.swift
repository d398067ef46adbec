import Foundation

/// libFuzzer's two entry points. `CKPT_FUZZ_TARGET` (read once, in `LLVMFuzzerInitialize`) picks the target;
/// every input is then handed to it. A target catches every error ckpt throws: only a crash, a sanitizer report,
/// a timeout or an allocation over libFuzzer's limits is a finding.
enum FuzzEntry {
    nonisolated(unsafe) static var target: FuzzTarget?
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["CKPT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: " ")
        FileHandle.standardError.write(Data("ckpt-fuzz: set CKPT_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    FuzzScratch.prepare()
    target.setUp?()
    FuzzEntry.target = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let target = FuzzEntry.target else { return 0 }
    target.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
