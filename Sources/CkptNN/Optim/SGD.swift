import CkptCore
import CkptTensor

/// `torch.optim.SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False)`,
/// PyTorch's single-tensor update, op by op in float32.
public final class SGD: Optimizer {
    public var lr: Double
    public var momentum: Double
    public var dampening: Double
    public var weightDecay: Double
    public var nesterov: Bool
    public var maximize: Bool
    /// PyTorch's implementation choices (for-loop / multi-tensor / fused kernel, autograd through the step):
    /// recorded for the state_dict; ckpt runs its single-tensor float32 update whatever they say.
    public var foreach: Bool?
    public var differentiable: Bool
    public var fused: Bool?

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
        self.foreach = nil; self.differentiable = false; self.fused = nil
        super.init(params)
    }

    public override var hyperparameters: [(String, CheckpointValue)] {
        [("lr", .float(lr)), ("momentum", momentum == 0 ? .int(0) : .float(momentum)), ("dampening", dampening == 0 ? .int(0) : .float(dampening)),
         ("weight_decay", weightDecay == 0 ? .int(0) : .float(weightDecay)), ("nesterov", .bool(nesterov)), ("maximize", .bool(maximize)),
         ("foreach", foreach.map { .bool($0) } ?? .none), ("differentiable", .bool(differentiable)), ("fused", fused.map { .bool($0) } ?? .none)]
    }

    /// Defaults for keys older state_dicts lack are `SGD.__setstate__`'s.
    public override func loadParamGroup(_ group: ParamGroup) throws {
        let lr = try group.number("lr"), momentum = try group.number("momentum"), dampening = try group.number("dampening")
        let weightDecay = try group.number("weight_decay")
        let nesterov = try group.bool("nesterov", default: false), maximize = try group.bool("maximize", default: false)
        let foreach = try group.optionalBool("foreach", default: nil), differentiable = try group.bool("differentiable", default: false)
        let fused = try group.optionalBool("fused", default: false)
        self.lr = lr; self.momentum = momentum; self.dampening = dampening; self.weightDecay = weightDecay
        self.nesterov = nesterov; self.maximize = maximize
        self.foreach = foreach; self.differentiable = differentiable; self.fused = fused
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
