import CkptCore
import CkptTestSupport
import Testing
@testable import CkptModel
import CkptNN

@Suite struct ModelFileParserTests {
    func module(_ spec: ModuleSpec, _ name: String) throws -> ModuleSpec {
        let child = try #require(spec.children.first { $0.name == name }, "no child \(name)")
        guard case .module(let m) = child.entry else { Issue.record("\(name) is not a module"); return spec }
        return m
    }

    @Test func parsesEveryLayerPyTorchPrints() throws {
        let file = try ModelFile.parse(try Fixtures.text("model_reprs/all_layers.txt"))
        let root = file.root
        #expect(root.className == "AllLayers" && root.isContainer)
        #expect(root.children.map(\.name) == ["layers", "seq", "empty", "blocks", "plist", "plist1", "pdict"])
        let layers = try module(root, "layers")
        #expect(layers.children.count == 131)
        let conv2d = try module(layers, "conv2d")
        #expect(conv2d.className == "Conv2d" && conv2d.args == [.int(16), .int(33)])
        #expect(conv2d.kwarg("kernel_size") == .tuple([.int(3), .int(5)]))
        #expect(conv2d.kwarg("dilation")?.intList == [3, 1])
        #expect(try module(layers, "conv1d").kwarg("kernel_size")?.intList == [3])
        #expect(try module(layers, "conv_g").kwarg("padding") == .name("same"))
        #expect(try module(layers, "ln").args == [.tuple([.int(10)])])
        #expect(try module(layers, "ln2").kwarg("eps")?.doubleValue == 1e-6)
        #expect(try module(layers, "bn_nt").kwarg("momentum") == ArgumentValue.none)
        #expect(try module(layers, "leaky").args == [.float(0.1)] || module(layers, "leaky").kwarg("negative_slope") == .float(0.1))
        #expect(try module(layers, "up").kwarg("mode") == .string("bilinear"))
        #expect(try module(layers, "gru").kwarg("bidirectional") == .bool(true))
        let mha = try module(layers, "mha")
        #expect(mha.isContainer && mha.children.map(\.name) == ["out_proj"])
        #expect(try module(mha, "out_proj").className == "NonDynamicallyQuantizableLinear")
        #expect(try module(root, "empty").className == "Sequential")
        let blocks = try module(root, "blocks")
        #expect(blocks.children.map(\.name) == ["0", "1", "2", "3"])
        #expect(try module(blocks, "3").kwarg("in_features") == .int(4))
        let plist = try module(root, "plist")
        guard case .parameter(let shape, let dtype) = plist.children[1].entry else { Issue.record("not a parameter"); return }
        #expect(shape == [2] && dtype == .float16)
        let inline = try module(root, "pdict")
        #expect(inline.children.map(\.name) == ["a"])
        guard case .parameter(let s2, let d2) = inline.children[0].entry else { Issue.record("not a parameter"); return }
        #expect(s2 == [2, 2] && d2 == .float32)
        #expect(try module(root, "plist1").children.count == 1)
        #expect(file.forward == nil)
    }

    @Test func parsesCkptAdditionsTiesAndComments() throws {
        let text = """
        # GPT-style tied embedding
        Net(
          (param): Parameter containing: [torch.float32 of size 123x456]
          (scale): Parameter(3)
          (embed): Embedding(10, 4)
          (head): Linear(in_features=4, out_features=10, bias=False)  # output layer
          (mask): Buffer(3, 4, dtype=torch.bool)
          (head.weight): (embed.weight)
          (shared): Sequential(
            (0): Linear(in_features=8, out_features=8, bias=True)
            (1): ReLU()
            (2): (0)
          )
          (zero): Parameter containing: [torch.FloatTensor of size ]
        )
        """
        let root = try ModelFile.parse(text).root
        #expect(root.children.map(\.name) == ["param", "scale", "embed", "head", "mask", "head.weight", "shared", "zero"])
        guard case .parameter(let shape, _) = root.children[0].entry, case .parameter(let s1, _) = root.children[1].entry,
              case .buffer(let bs, let bd) = root.children[4].entry, case .tie(let path) = root.children[5].entry,
              case .parameter(let zs, _) = root.children[7].entry else { Issue.record("wrong kinds"); return }
        #expect(shape == [123, 456] && s1 == [3] && bs == [3, 4] && bd == .bool && path == "embed.weight" && zs == [])
        #expect(root.children[0].line == 3)
        guard case .tie(let p2) = try module(root, "shared").children[2].entry else { Issue.record("not a tie"); return }
        #expect(p2 == "0")
    }

    @Test func parsesLeNetForward() throws {
        let text = """
        Net(
          (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
          (fc1): Linear(in_features=400, out_features=120, bias=True)
        )

            def forward(self, x):
                # Max pooling over a (2, 2) window
                x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
                x = x.view(-1, self.num_flat_features(x)) if False else x.view(-1, 400)
                out, (h, c) = self.lstm(x)
                y = out[:, -1, :] ** 2 @ w.T
                for layer in self.layers:
                    x = layer(x)
                if x.dim() == 4 and not flag:
                    x += 1
                elif x is None: pass
                else:
                    x = torch.cat([x, x],
                                  dim=1)
                return x, y
        """
        let file = try ModelFile.parse(text)
        #expect(file.root.children.count == 2)
        let forward = try #require(file.forward)
        #expect(forward.parameters.map(\.name) == ["x"] && forward.line == 6)
        #expect(forward.body.count == 7)
        guard case .assign(let t, let e) = forward.body[0].kind else { Issue.record("not an assignment"); return }
        #expect(t == [.name("x")])
        #expect(e == .call(.attribute(.name("F"), "max_pool2d"),
                           [.call(.attribute(.name("F"), "relu"), [.call(.attribute(.name("self"), "conv1"), [.name("x")], [])], []),
                            .tuple([.int(2), .int(2)])], []))
        guard case .assign(let t2, _) = forward.body[2].kind else { Issue.record("not an assignment"); return }
        #expect(t2 == [.tuple([.name("out"), .tuple([.name("h"), .name("c")])])])
        guard case .assign(_, let e3) = forward.body[3].kind else { Issue.record("not an assignment"); return }
        #expect(e3 == .binary(.matmul, .binary(.power, .indexing(.name("out"), [.slice(nil, nil, nil), .index(.int(-1)), .slice(nil, nil, nil)]), .int(2)),
                              .attribute(.name("w"), "T")))
        guard case .conditional(let branches, let orElse) = forward.body[5].kind else { Issue.record("not an if"); return }
        #expect(branches.count == 2 && orElse.count == 1 && forward.body[5].line == 14)
        #expect(forward.body[6] == PyStmt(kind: .returnValue(.tuple([.name("x"), .name("y")])), line: 20))
    }

    @Test(arguments: [
        ("Net(\n  (fc): Linear(in_features=4, out_features=2, bias=True)\n", 1, "never closed"),
        ("Net(\n  (fc): Linear(in_features=4 out_features=2)\n)", 2, "expected ','"),
        ("Net(\n  (p): Parameter containing: [torch.float32 of size 3xq]\n)", 2, "bad size"),
        ("Linear(in_features=4, out_features=2, bias=True)\nReLU()", 2, "text after"),
        ("Net(\n  (0-3): 3 x Linear(in_features=4, out_features=2, bias=True)\n)", 2, "do not match"),
        ("Net()\ndef forward(self, x):\n    while x:\n        pass", 3, "not supported"),
        ("Net()\ndef forward(self, x):\n    return (x", 3, "unclosed"),
        ("", 1, "no module"),
    ])
    func reportsLineOfError(text: String, line: Int, message: String) throws {
        do {
            _ = try ModelFile.parse(text)
            Issue.record("parsed: \(text)")
        } catch let e as ModelFileError {
            #expect(e.line == line, "\(e)")
            #expect(e.message.contains(message), "\(e)")
        }
    }

    /// Hostile nesting is a one-line error, not a stack overflow: modules, brackets, unary and `**` chains, `if`
    /// blocks, and statements too long for the recursive parser.
    @Test func deepNestingIsAnErrorNotACrash() throws {
        func deepModules(_ n: Int) -> String {
            (0 ..< n).map { String(repeating: "  ", count: $0) + ($0 == 0 ? "A(" : "(x): A(") }.joined(separator: "\n") + "\n"
                + (0 ..< n).reversed().map { String(repeating: "  ", count: $0) + ")" }.joined(separator: "\n")
        }
        let head = "Net(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n)\ndef forward(self, x):\n"
        let hostile = [
            ("modules", deepModules(400)),
            ("brackets", head + "    y = " + String(repeating: "(", count: 20000) + "x" + String(repeating: ")", count: 20000) + "\n    return y\n"),
            ("unary", head + "    y = " + String(repeating: "-", count: 1500) + "x\n    return y\n"),
            ("not", head + "    y = " + String(repeating: "not ", count: 1500) + "x\n    return y\n"),
            ("power", head + "    y = x" + String(repeating: " ** x", count: 900) + "\n    return y\n"),
            ("long", head + "    y = x" + String(repeating: " + x", count: 5000) + "\n    return y\n"),
            ("blocks", head + (1 ... 300).map { String(repeating: "    ", count: $0) + "if x:\n" }.joined() + "    return x\n"),
        ]
        for (name, text) in hostile {
            #expect(throws: ModelFileError.self, "\(name)") { try ModelFile.parse(text) }
        }
        #expect(throws: Never.self) { try ModelFile.parse(deepModules(150)) }
    }

    /// Folded runs and nested runs cannot make ckpt allocate or build without bound (they were an 80 GB abort and a
    /// minute of building).
    @Test func repeatedChildrenAreBounded() throws {
        let linear = "Linear(in_features=2, out_features=2, bias=True)"
        let huge = "ModuleList(\n  (0-999999999): 1000000000 x \(linear)\n)\n"
        do { _ = try ModelFile.parse(huge); Issue.record("a billion copies parsed") } catch let e as ModelFileError {
            #expect(e.line == 2 && e.message.contains("at most 65536 copies"))
        }
        let overflowing = "ModuleList(\n  (-9223372036854775808-9223372036854775807): 3 x \(linear)\n)\n"
        #expect(throws: ModelFileError.self) { try ModelFile.parse(overflowing) }
        let nested = "ModuleList(\n  (0-65535): 65536 x ModuleList(\n    (0-65535): 65536 x \(linear)\n  )\n)\n"
        do { _ = try ModelFile.parse(nested); Issue.record("4 billion modules parsed") } catch let e as ModelFileError {
            #expect(e.message.contains("more than \(ModelFileParser.maxModules) modules"))
        }
        let fine = try ModelBuilder.build(text: "ModuleList(\n  (0-99): 100 x \(linear)\n)\n")
        #expect(fine.stateDict().count == 200)
    }
}
