import CkptCore
import CkptTensor
import Foundation

/// `torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)` and, with
/// `decoupledWeightDecay`, `AdamW` (the subclass below); PyTorch's single-tensor update, op by op in float32.
public class Adam: Optimizer {
    public var lr: Double
    public let betas: (Double, Double)
    public let eps: Double
    public let weightDecay: Double
    public let amsgrad: Bool
    public let maximize: Bool
    public let decoupledWeightDecay: Bool

    public init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false, decoupledWeightDecay: Bool = false) throws {
        guard lr >= 0 else { throw NNError.invalidArgument("Invalid learning rate: \(lr)") }
        guard eps >= 0 else { throw NNError.invalidArgument("Invalid epsilon value: \(eps)") }
        guard (0 ..< 1).contains(betas.0) else { throw NNError.invalidArgument("Invalid beta parameter at index 0: \(betas.0)") }
        guard (0 ..< 1).contains(betas.1) else { throw NNError.invalidArgument("Invalid beta parameter at index 1: \(betas.1)") }
        guard weightDecay >= 0 else { throw NNError.invalidArgument("Invalid weight_decay value: \(weightDecay)") }
        self.lr = lr; self.betas = betas; self.eps = eps; self.weightDecay = weightDecay
        self.amsgrad = amsgrad; self.maximize = maximize; self.decoupledWeightDecay = decoupledWeightDecay
        super.init(params)
    }

    public override var hyperparameters: [(String, CheckpointValue)] {
        [("lr", .float(lr)), ("betas", .tuple([.float(betas.0), .float(betas.1)])), ("eps", .float(eps)),
         ("weight_decay", weightDecay == 0 ? .int(0) : .float(weightDecay)), ("amsgrad", .bool(amsgrad)), ("maximize", .bool(maximize)),
         ("foreach", .none), ("capturable", .bool(false)), ("differentiable", .bool(false)), ("fused", .none),
         ("decoupled_weight_decay", .bool(decoupledWeightDecay))]
    }

    public override func step() throws {
        let (beta1, beta2) = betas
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
}
