import CkptCore
import CkptTensor
import CkptTestSupport
import OrderedCollections
import Testing
@testable import CkptNN

/// The registration pitfall of the tutorial: a Linear in a plain dictionary property is not registered.
final class MyModule: Module {
    var notRegistered: [String: Linear] = [:]
    init(fixed: Bool, withList: Bool = false) {
        super.init()
        registerParameter("param", Tensor.zeros([123, 456]))
        addModule("conv", Linear(25, 32))  // stands in for Conv2d(1, 32, 5) in key/shape tests below
        notRegistered["ahhh_0"] = Linear(542, 21)
        if fixed { addModule("ahhh_0", notRegistered["ahhh_0"]) }
        if withList { addModule("module_list", ModuleList([Linear(50, 75), Linear(125, 999)])) }
    }
}

@Suite struct ModuleTests {
    func mlp() -> Sequential { Sequential([Linear(4, 8), ReLU(), Linear(8, 1)]) }

    func block1() -> Sequential { Sequential([Linear(4, 8), ReLU(), Linear(8, 4), ReLU()]) }

    func rgnet() -> Sequential {
        let block2 = Sequential()
        for i in 0 ..< 4 { block2.addModule("block \(i)", block1()) }
        return Sequential([block2, Linear(4, 1)])
    }

    @Test func mlpKeysShapesAndRepr() throws {
        let net = mlp()
        let expected = try #require(try ReferenceManifest.loaded.get().models["mlp"])
        #expect(net.namedParameters().map(\.0) == expected.namedParameters)
        #expect(net.parameters().map(\.shape) == expected.parameterShapes)
        #expect(net.description + "\n" == (try Fixtures.text("reference/mlp.txt")))
        #expect(net[2]?.stateDict().keys.elementsEqual(["weight", "bias"]) == true)
        #expect((net[2] as? Linear)?.weight?.grad == nil)
    }

    @Test func rgnetNestsThreeDeepWithSpacesInNames() throws {
        let net = rgnet()
        #expect(net.description + "\n" == (try Fixtures.text("reference/rgnet.txt")))
        let keys = Array(net.stateDict().keys)
        #expect(keys.first == "0.block 0.0.weight" && keys.last == "1.bias" && keys.count == 18)
        #expect(net.namedParameters().map(\.0) == (try ReferenceManifest.loaded.get()).models["rgnet"]?.namedParameters)
    }

    @Test func tiedWeightsAreOneObjectCountedOnce() throws {
        let shared = Linear(8, 8)
        let net = Sequential([Linear(4, 8), ReLU(), shared, ReLU(), shared, ReLU(), Linear(8, 1)])
        #expect(net.description + "\n" == (try Fixtures.text("reference/tied.txt")))
        let sd = net.stateDict()
        #expect(sd.keys.contains("2.weight") && sd.keys.contains("4.weight"))
        #expect(sd["2.weight"] === sd["4.weight"])
        sd["2.weight"]?.buffer[0] = 42
        #expect(sd["4.weight"]?.buffer[0] == 42)
        let expected = try #require(try ReferenceManifest.loaded.get().models["tied"])
        #expect(net.namedParameters().map(\.0) == expected.namedParameters)
        #expect(net.parameters().reduce(0) { $0 + $1.numel } == expected.parameters)
    }

    @Test func onlyRegisteredModulesCountDirectParametersFirst() {
        #expect(MyModule(fixed: false).parameters().map(\.shape) == [[123, 456], [32, 25], [32]])
        #expect(MyModule(fixed: true).parameters().map(\.shape) == [[123, 456], [32, 25], [32], [21, 542], [21]])
        #expect(MyModule(fixed: false, withList: true).parameters().map(\.shape) == [[123, 456], [32, 25], [32], [75, 50], [75], [999, 125], [999]])
        #expect(MyModule(fixed: false).namedModules().count == 2)
    }

    @Test func tinyRegressionCountsForty() throws {
        let net = Sequential([Linear(1, 13), Tanh(), Linear(13, 1)])
        #expect(net.parameters().reduce(0) { $0 + $1.numel } == 40)
        #expect(net.description + "\n" == (try Fixtures.text("reference/tiny_regression_tanh.txt")))
    }

    @Test func moduleListFoldsRepeatsAndContainersPrintLikePyTorch() throws {
        let list = ModuleList((0 ..< 4).map { _ in Linear(4, 4) } + [ReLU()])
        #expect(list.description == "ModuleList(\n  (0-3): 4 x Linear(in_features=4, out_features=4, bias=True)\n  (4): ReLU()\n)")
        #expect(Sequential().description == "Sequential()")
        let plist = ParameterList([Tensor.zeros([3, 4])])
        #expect(plist.description == "ParameterList(  (0): Parameter containing: [torch.float32 of size 3x4])")
        let pdict = ParameterDict([("a", Tensor.zeros([2, 2])), ("b", Tensor.zeros([3]))])
        #expect(pdict.description == "ParameterDict(\n    (a): Parameter containing: [torch.FloatTensor of size 2x2]\n    (b): Parameter containing: [torch.FloatTensor of size 3]\n)")
        #expect(LeakyReLU(negativeSlope: 0.1).description == "LeakyReLU(negative_slope=0.1)")
        #expect(Softplus().description == "Softplus(beta=1.0, threshold=20.0)")
    }

    @Test func loadReportsEveryProblemInPyTorchWords() throws {
        let net = mlp()
        var sd = OrderedDictionary<String, TensorEntry>()
        sd["0.weight"] = try TensorEntry.float32([Float](repeating: 0.5, count: 32), shape: [8, 4])
        sd["0.bias"] = try TensorEntry.float32([Float](repeating: 1, count: 4), shape: [4])
        sd["extra.weight"] = try TensorEntry.float32([1], shape: [1])
        let before = (net[0] as? Linear)?.weight?.scalars
        let dry = try net.loadReport(sd, strict: true)
        #expect((net[0] as? Linear)?.weight?.scalars == before)  // the report alone copies nothing
        let strict = try net.load(sd, strict: true)
        #expect(dry == strict)
        #expect(!strict.ok)
        #expect(strict.missingKeys == ["2.weight", "2.bias"])
        #expect(strict.unexpectedKeys == ["extra.weight"])
        #expect(strict.sizeMismatches == [LoadReport.SizeMismatch(key: "0.bias", checkpoint: [4], model: [8])])
        // Byte-identical to torch 2.15's load_state_dict error for the same state dict.
        #expect(strict.errorMessage(moduleName: "Sequential") == """
            Error(s) in loading state_dict for Sequential:
            \tMissing key(s) in state_dict: "2.weight", "2.bias". \n\tUnexpected key(s) in state_dict: "extra.weight". \n\
            \tsize mismatch for 0.bias: copying a param with shape torch.Size([4]) from checkpoint, the shape in current model is torch.Size([8]).
            """)
        #expect((net[0] as? Linear)?.weight?.scalars.allSatisfy { $0 == 0.5 } == true)
        sd["0.bias"] = try TensorEntry.float32([Float](repeating: 1, count: 8), shape: [8])
        let loose = try net.load(sd, strict: false)
        #expect(loose.ok && loose.loaded == ["0.weight", "0.bias"])
    }

    @Test func loadKeepsTiesAndConvertsDtypes() throws {
        let shared = Linear(2, 2)
        let net = Sequential([shared, shared])
        var sd = OrderedDictionary<String, TensorEntry>()
        for key in ["0.weight", "1.weight"] {
            sd[key] = try TensorEntry(dtype: .float16, shape: [2, 2], bytes: TensorEntry.encode([1, 2, 3, 4], as: .float16))
        }
        for key in ["0.bias", "1.bias"] { sd[key] = try TensorEntry.float32([0, 0], shape: [2]) }
        let report = try net.load(sd)
        #expect(report.ok)
        #expect(shared.weight?.scalars == [1, 2, 3, 4])
        #expect((net[0] as? Linear)?.weight === (net[1] as? Linear)?.weight)
    }

    @Test func trainEvalApplyAndZeroGrad() throws {
        let net = mlp()
        net.eval()
        #expect(net.namedModules().allSatisfy { !$0.1.training })
        var visited: [String] = []
        net.apply { visited.append($0.typeName) }
        #expect(visited == ["Linear", "ReLU", "Linear", "Sequential"])
        let out = try net(Tensor.ones([2, 4])).sum()
        try out.backward()
        #expect(net.parameters().allSatisfy { $0.grad != nil })
        net.zeroGrad()
        #expect(net.parameters().allSatisfy { $0.grad == nil })
    }
}
