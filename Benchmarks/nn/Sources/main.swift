// In-process compute benchmark of the nn engine (issue 5): LeNet forward at batch 64, the 784-1024-1024-10 MLP
// forward at batch 256, 2-layer LSTM, GRU and RNN(128→256) over 50 steps at batch 16, and one SGD training step of
// the MLP and of the LSTM.
// Prints one line per workload: `<name> min <ms> median <ms>`. Run by Benchmarks/run.sh (section nn), which runs
// torch_compute.py beside it on the same thread count.
// Usage: bench-nn [runs] [warmup] [workload…]
import BenchTiming
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let runs = arguments.first.flatMap { Int($0) } ?? 20
let warmup = arguments.dropFirst().first.flatMap { Int($0) } ?? 3
let selected = arguments.dropFirst(2).isEmpty ? Workloads.names : Array(arguments.dropFirst(2))
for name in selected {
    let body = try Workloads.make(name)
    let t = try Timing.measure(runs: runs, warmup: warmup, body)
    print("\(name) min \(String(format: "%.3f", t.min)) median \(String(format: "%.3f", t.median))")
}
