/// Forwarders to the standard library's `max`, `min` and `abs`.
///
/// Tensor's own methods named `max`, `min` and `abs` hide the free functions of the same name inside
/// `extension Tensor` bodies (Swift's unqualified lookup stops at the first member it finds), so
/// kernel code there writing `max(a, 1)` or `abs(v)` would not compile. These internal overloads make
/// it resolve to the standard library again. Static methods still need `Swift.max`.
extension Tensor {
    @inline(__always) func max<T: Comparable>(_ a: T, _ b: T) -> T { Swift.max(a, b) }
    @inline(__always) func min<T: Comparable>(_ a: T, _ b: T) -> T { Swift.min(a, b) }
    @inline(__always) func abs<T: Comparable & SignedNumeric>(_ x: T) -> T { Swift.abs(x) }
}
