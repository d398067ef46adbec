import CkptNN
import CkptTensor
import Testing
@testable import CkptModel

/// A pasted forward reads a layer's attributes by PyTorch's names (`self.conv.kernel_size`, `self.attn.num_heads`)
/// from the layer's schema, for every layer, as model code does when it sizes a reshape.
@Suite struct LayerAttributeTests {
    @Test func forwardsReadLayerAttributesByPyTorchsNames() throws {
        let text = """
        Net(
          (conv): Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 2), padding=same)
          (norm): LayerNorm((8,), eps=1e-06, elementwise_affine=True)
          (attn): MultiheadAttention(8, 2
            (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
          )
          (act): LeakyReLU(negative_slope=0.2)
        )

            def forward(self, x):
                k = self.conv.kernel_size
                same = self.conv.padding == 'same' and self.conv.padding_mode == 'zeros'
                return (k[0] * 100 + k[1] * 10 + self.conv.stride[1], same, self.conv.out_channels,
                        self.norm.eps, self.norm.normalized_shape[0], self.attn.num_heads, self.attn.head_dim,
                        self.act.negative_slope, self.act.inplace)
        """
        let value = try ModelBuilder.build(text: text).call([.tensor(Tensor.zeros([1]))])
        guard case .tuple(let items) = value, items.count == 9 else { Issue.record("\(value.kindName)"); return }
        guard case .int(let sizes) = items[0], case .bool(true) = items[1], case .bool(false) = items[8],
              case .int(let channels) = items[2], case .float(let eps) = items[3],
              case .int(let width) = items[4], case .int(let heads) = items[5], case .int(let headDim) = items[6],
              case .float(let slope) = items[7] else {
            Issue.record("unexpected values \(items.map(\.kindName))")
            return
        }
        #expect(sizes == 352 && channels == 8 && eps == 1e-6 && width == 8 && heads == 2 && headDim == 4 && slope == 0.2)
    }

    @Test func anAttributeTheLayerDoesNotHaveIsPythonsError() throws {
        let text = "Net(\n  (fc): Linear(in_features=2, out_features=3, bias=True)\n)\n\n    def forward(self, x):\n        return self.fc.kernel_size\n"
        do {
            _ = try ModelBuilder.build(text: text).call([.tensor(Tensor.zeros([1]))])
            Issue.record("no error")
        } catch let e as ForwardError {
            #expect(e.message == "'Linear' object has no attribute 'kernel_size'")
        }
    }
}
