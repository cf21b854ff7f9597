import Foundation

/// Facts about this binary that benchmark reports carry.
public enum BuildInfo {
    #if DEBUG
    public static let configuration = "debug"
    #else
    public static let configuration = "release"
    #endif
}

/// Process resource figures for benchmarks.
public enum ResourceUsage {
    /// Peak resident set size of this process so far, in MiB.
    public static var peakResidentMiB: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
    }
}
