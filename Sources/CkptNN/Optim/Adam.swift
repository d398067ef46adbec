import CkptCore
import CkptTensor
import Foundation

/// `torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)` and, with
/// `decoupledWeightDecay`, `AdamW` (the subclass below); PyTorch's single-tensor update, op by op in float32.
public class Adam: Optimizer {
    public var lr: Double
    public var betas: (Double, Double)
    public var eps: Double
    public var weightDecay: Double
    public var amsgrad: Bool
    public var maximize: Bool
    public var decoupledWeightDecay: Bool
    /// PyTorch's implementation choices (for-loop / multi-tensor / fused kernel, CUDA graphs, autograd through
    /// the step): recorded for the state_dict; ckpt runs its single-tensor float32 update whatever they say.
    public var foreach: Bool?
    public var capturable: Bool
    public var differentiable: Bool
    public var fused: Bool?

    public init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false, decoupledWeightDecay: Bool = false) throws {
        guard lr >= 0 else { throw NNError.invalidArgument("Invalid learning rate: \(lr)") }
        guard eps >= 0 else { throw NNError.invalidArgument("Invalid epsilon value: \(eps)") }
        guard (0 ..< 1).contains(betas.0) else { throw NNError.invalidArgument("Invalid beta parameter at index 0: \(betas.0)") }
        guard (0 ..< 1).contains(betas.1) else { throw NNError.invalidArgument("Invalid beta parameter at index 1: \(betas.1)") }
        guard weightDecay >= 0 else { throw NNError.invalidArgument("Invalid weight_decay value: \(weightDecay)") }
        self.lr = lr; self.betas = betas; self.eps = eps; self.weightDecay = weightDecay
        self.amsgrad = amsgrad; self.maximize = maximize; self.decoupledWeightDecay = decoupledWeightDecay
        self.foreach = nil; self.capturable = false; self.differentiable = false; self.fused = nil
        super.init(params)
    }

    public override var hyperparameters: [(String, CheckpointValue)] {
        [("lr", .float(lr)), ("betas", .tuple([.float(betas.0), .float(betas.1)])), ("eps", .float(eps)),
         ("weight_decay", weightDecay == 0 ? .int(0) : .float(weightDecay)), ("amsgrad", .bool(amsgrad)), ("maximize", .bool(maximize)),
         ("foreach", foreach.map { .bool($0) } ?? .none), ("capturable", .bool(capturable)), ("differentiable", .bool(differentiable)),
         ("fused", fused.map { .bool($0) } ?? .none), ("decoupled_weight_decay", .bool(decoupledWeightDecay))]
    }

    /// Defaults for keys older state_dicts lack are `Adam.__setstate__`'s.
    public override func loadParamGroup(_ group: ParamGroup) throws {
        let lr = try group.number("lr"), betas = try group.pair("betas"), eps = try group.number("eps")
        let weightDecay = try group.number("weight_decay")
        let amsgrad = try group.bool("amsgrad", default: false), maximize = try group.bool("maximize", default: false)
        let decoupled = try group.bool("decoupled_weight_decay", default: false)
        let foreach = try group.optionalBool("foreach", default: nil), capturable = try group.bool("capturable", default: false)
        let differentiable = try group.bool("differentiable", default: false), fused = try group.optionalBool("fused", default: nil)
        self.lr = lr; self.betas = betas; self.eps = eps; self.weightDecay = weightDecay
        self.amsgrad = amsgrad; self.maximize = maximize; self.decoupledWeightDecay = decoupled
        self.foreach = foreach; self.capturable = capturable; self.differentiable = differentiable; self.fused = fused
    }

    public override func step() throws {
        let (beta1, beta2) = betas
        // PyTorch initialises only an empty state; a loaded one missing a buffer is a KeyError before any update.
        let required = ["step", "exp_avg", "exp_avg_sq"] + (amsgrad ? ["max_exp_avg_sq"] : [])
        for (i, p) in params.enumerated() where p.grad != nil {
            guard let existing = state[i], !existing.isEmpty else { continue }
            if let key = required.first(where: { existing[$0] == nil }) {
                throw NNError.invalidArgument("\(type(of: self)): parameter \(i)'s state has no '\(key)' (it holds \(existing.keys.joined(separator: ", ")))")
            }
        }
        try withGradients { i, p, values, grads in
            let n = values.count
            var g = maximize ? grads.map { -$0 } : grads
            let step = Double((state[i]?["step"]?.scalars.first ?? 0) + 1)
            if weightDecay != 0 {
                if decoupledWeightDecay {
                    let f = Float(1 - lr * weightDecay)
                    for k in values.indices { values[k] *= f }
                } else {
                    let wd = Float(weightDecay)
                    for k in g.indices { g[k] += wd * values[k] }
                }
            }
            var m = stateValues(i, "exp_avg", count: n), v = stateValues(i, "exp_avg_sq", count: n)
            let w1 = Float(1 - beta1), b2 = Float(beta2), w2 = Float(1 - beta2)
            for k in 0 ..< n {
                m[k] += w1 * (g[k] - m[k])
                v[k] *= b2
                v[k] += w2 * g[k] * g[k]
            }
            let stepSize = Float(lr / (1 - pow(beta1, step)))
            let bc2Sqrt = Float((1 - pow(beta2, step)).squareRoot())
            let epsF = Float(eps)
            var denomSource = v
            if amsgrad {
                var mx = stateValues(i, "max_exp_avg_sq", count: n)
                for k in 0 ..< n { mx[k] = max(mx[k], v[k]) }
                denomSource = mx
                try setState(i, "step", [Float(step)], shape: [])
                try setState(i, "exp_avg", m, shape: p.shape)
                try setState(i, "exp_avg_sq", v, shape: p.shape)
                try setState(i, "max_exp_avg_sq", mx, shape: p.shape)
            } else {
                try setState(i, "step", [Float(step)], shape: [])
                try setState(i, "exp_avg", m, shape: p.shape)
                try setState(i, "exp_avg_sq", v, shape: p.shape)
            }
            for k in 0 ..< n {
                let denom = denomSource[k].squareRoot() / bc2Sqrt + epsF
                values[k] += -stepSize * m[k] / denom
            }
        }
    }
}

/// `torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False)`:
/// Adam with the weight decay applied to the parameters (`p *= 1 - lr·wd`) rather than to the gradient.
public final class AdamW: Adam {
    public init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) throws {
        try super.init(params, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
                       decoupledWeightDecay: true)
    }

    /// As `AdamW.__setstate__`: whatever the loaded group says, the weight decay stays decoupled.
    public override func loadParamGroup(_ group: ParamGroup) throws {
        try super.loadParamGroup(group)
        decoupledWeightDecay = true
    }
}
