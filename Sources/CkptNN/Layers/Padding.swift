import CkptTensor
import Foundation

/// `nn.ZeroPad2d`, `nn.ConstantPad2d`, `nn.ReflectionPad2d`, `nn.ReplicationPad2d`, `nn.CircularPad2d`: padding
/// `(left, right, top, bottom)` of the last two dims (one int pads all four sides).
public final class Pad2d: UnaryModule {
    /// The classes, by how they pad; `ZeroPad2d` is constant padding with 0 that prints only its sizes.
    public enum Kind: String, Sendable, CaseIterable {
        case zero = "ZeroPad2d", constant = "ConstantPad2d", reflection = "ReflectionPad2d", replication = "ReplicationPad2d"
        case circular = "CircularPad2d"

        var mode: PadMode {
            switch self {
            case .zero, .constant: return .constant
            case .reflection: return .reflect
            case .replication: return .replicate
            case .circular: return .circular
            }
        }
    }

    public static let schemas: [Kind: LayerSchema] = Dictionary(uniqueKeysWithValues: Kind.allCases.map { kind in
        (kind, LayerSchema(kind.rawValue, kind == .constant ? "padding, value" : "padding",
                           repr: kind == .constant ? "padding={padding}, value={value}" : "{padding}",
                           attributes: { (m: Pad2d) in ["padding": m.padding, "value": m.value] }) { a in
            try Pad2d(kind, padding: try a["padding"], value: kind == .constant ? try a["value"] : 0)
        })
    })
    public override var schema: LayerSchema? { Pad2d.schemas[kind] }

    public let kind: Kind
    public var mode: PadMode { kind.mode }
    /// `(left, right, top, bottom)`.
    public let padding: [Int]
    /// The fill of constant padding, as given (`0` or `3.5`: PyTorch prints it back so).
    public let value: NumberArgument

    public init(_ kind: Kind, padding: SizeArgument, value: NumberArgument = 0) throws {
        let p = padding.isScalar ? Array(repeating: padding.values.first ?? 0, count: 4) : padding.values
        guard p.count == 4 else { throw NNError.invalidArgument("padding must be an int or a 4-tuple, got \(padding)") }
        self.kind = kind; self.padding = p; self.value = value
        super.init()
    }

    public override func forward(_ x: Tensor) throws -> Tensor { try x.pad(padding, mode: mode, value: value.float) }
}

extension LayerSchema {
    /// The padding layers.
    static let padding: [LayerSchema] = Pad2d.schemas.values.sorted { $0.name < $1.name }
}
