import CkptCore
import CkptTensor

/// `torch.optim.SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False)`,
/// PyTorch's single-tensor update, op by op in float32.
public final class SGD: Optimizer {
    public var lr: Double
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool
    public let maximize: Bool

    public init(_ params: [Tensor], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
                nesterov: Bool = false, maximize: Bool = false) throws {
        guard lr >= 0 else { throw NNError.invalidArgument("Invalid learning rate: \(lr)") }
        guard momentum >= 0 else { throw NNError.invalidArgument("Invalid momentum value: \(momentum)") }
        guard weightDecay >= 0 else { throw NNError.invalidArgument("Invalid weight_decay value: \(weightDecay)") }
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw NNError.invalidArgument("Nesterov momentum requires a momentum and zero dampening")
        }
        self.lr = lr; self.momentum = momentum; self.dampening = dampening
        self.weightDecay = weightDecay; self.nesterov = nesterov; self.maximize = maximize
        super.init(params)
    }

    public override var hyperparameters: [(String, CheckpointValue)] {
        [("lr", .float(lr)), ("momentum", momentum == 0 ? .int(0) : .float(momentum)), ("dampening", dampening == 0 ? .int(0) : .float(dampening)),
         ("weight_decay", weightDecay == 0 ? .int(0) : .float(weightDecay)), ("nesterov", .bool(nesterov)), ("maximize", .bool(maximize)),
         ("foreach", .none), ("differentiable", .bool(false)), ("fused", .none)]
    }

    public override func step() throws {
        let lr = Float(self.lr), mom = Float(momentum), damp = Float(1 - dampening), wd = Float(weightDecay)
        if mom == 0, wd == 0, !maximize {
            // Plain SGD: p += -lr · g in place, the same float arithmetic without copying values out and back.
            for (i, p) in params.enumerated() {
                guard let g = p.grad else { continue }
                guard g.shape == p.shape else {
                    throw NNError.invalidArgument("parameter \(i): grad shape \(g.shape) differs from parameter shape \(p.shape)")
                }
                try Tensor.noGrad { try p.add_(g, alpha: -lr) }
            }
            return
        }
        try withGradients { i, p, values, grads in
            var g = maximize ? grads.map { -$0 } : grads
            if wd != 0 { for k in g.indices { g[k] += wd * values[k] } }
            if mom != 0 {
                var buf: [Float]
                if let existing = state[i]?["momentum_buffer"] {
                    buf = existing.scalars
                    for k in buf.indices { buf[k] *= mom; buf[k] += damp * g[k] }
                } else {
                    buf = g
                }
                try setState(i, "momentum_buffer", buf, shape: p.shape)
                if nesterov { for k in g.indices { g[k] += mom * buf[k] } } else { g = buf }
            }
            for k in values.indices { values[k] += -lr * g[k] }
        }
    }
}
