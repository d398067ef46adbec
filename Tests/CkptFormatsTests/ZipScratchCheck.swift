import CkptCore
@testable import CkptFormats
import Foundation
import Testing

@Test func scratchWriteForPython() throws {
    let sd = try SafetensorsReader.read(FlatFixture.map("tensors.safetensors"))
    try SafetensorsWriter.write(sd, to: "/tmp/flatcheck/rt.safetensors")
    let base = try TensorEntry.float32([1, 2, 3, 4, 5, 6], shape: [2, 3])
    let transposed = try TensorEntry(dtype: .float32, shape: [3, 2], strides: [1, 3], storage: base.storage)
    try SafetensorsWriter.write(StateDict(tensors: ["z.weight": base, "a.t": transposed]), to: "/tmp/flatcheck/views.safetensors")
}
