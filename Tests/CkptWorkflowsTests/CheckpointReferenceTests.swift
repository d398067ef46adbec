import CkptWorkflows
import Foundation
import Testing

/// `FILE[#ENTRY]` and the training-checkpoint rule: a top level of dicts gives its weights entry, with a note.
@Suite struct CheckpointReferenceTests {
    typealias T = WorkflowsTestSupport

    @Test func splitsAtTheLastHashUnlessTheWholeStringIsAFile() throws {
        let plain = CheckpointReference("no/such/run.pt")
        #expect(plain.file == "no/such/run.pt" && plain.entry == nil)
        let nested = CheckpointReference("no/such/run.pt#optimizer.state")
        #expect(nested.file == "no/such/run.pt" && nested.entry == "optimizer.state" && nested.description == "no/such/run.pt#optimizer.state")
        try WorkflowsTestSupport.withTemporaryFolder { dir in
            let odd = try T.write("x", to: "a#b.pt", in: dir)
            #expect(CheckpointReference(odd).file == odd && CheckpointReference(odd).entry == nil)
        }
    }

    @Test func trainingCheckpointsGiveTheirWeightsEntry() throws {
        let training = T.model("lenet_training.pt")
        let (tensors, note) = try CheckpointReference(training).modelTensors()
        #expect(tensors.count == 10 && tensors.keys.first == "conv1.weight")
        #expect(note == "using entry 'model_state_dict' of \(training) (a training checkpoint); name another with \(training)#ENTRY")
        let explicit = try CheckpointReference(training + "#model_state_dict").modelTensors()
        #expect(explicit.note == nil && Array(explicit.tensors.keys) == Array(tensors.keys))
        let plain = try CheckpointReference(T.model("lenet.pt")).modelTensors()
        #expect(plain.note == nil && plain.tensors.count == 10)
    }
}
