import CkptNN

/// A block of a transformer that its parent runs through a typed `run(…)` with what a plain call does not carry —
/// the attention mask, the rotary tables — as transformers' layers receive them as keyword arguments. Called alone,
/// through `forward`, it is an error that says so.
public class MaskedBlock: Module {
    /// A block that `print(model)` shows as `printedName`.
    init(printedName: String) {
        super.init()
        self.printedName = printedName
    }

    public override func forward(_ args: [ModuleValue]) throws -> ModuleValue {
        throw NNError.notImplemented("\(typeName) is run by its parent (it needs the attention mask)")
    }
}
