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
