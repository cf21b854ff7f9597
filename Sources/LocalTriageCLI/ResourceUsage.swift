import Foundation

/// Process resource figures for benchmarks.
enum ResourceUsage {
    /// Peak resident set size of this process so far, in MiB.
    static var peakResidentMiB: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
    }
}

/// Order statistics of a sample, for latency and throughput reports.
struct Percentiles: Codable, Equatable {
    var n: Int
    var p50: Double
    var p95: Double
    var p99: Double
    var mean: Double
    var min: Double
    var max: Double

    /// Nearest-rank percentiles of `values` (which must not be empty).
    init(_ values: [Double]) {
        let sorted = values.sorted()
        func rank(_ p: Double) -> Double { sorted[Swift.min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] }
        n = sorted.count
        p50 = rank(0.50)
        p95 = rank(0.95)
        p99 = rank(0.99)
        mean = sorted.reduce(0, +) / Double(sorted.count)
        min = sorted.first!
        max = sorted.last!
    }
}
