import Foundation

/// Shift between two numeric samples (text lengths, confidences): the two-sample Kolmogorov–Smirnov test for
/// small samples, the Wasserstein distance in reference standard deviations for large ones (Evidently's rule).
public enum NumericShift {
    /// The KS statistic D = sup |F₁ − F₂| and its asymptotic p-value (Stephens' small-sample correction).
    public static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> (statistic: Double, pValue: Double) {
        guard !a.isEmpty, !b.isEmpty else { return (0, 1) }
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < x.count && j < y.count {
            let value = min(x[i], y[j])
            while i < x.count && x[i] == value { i += 1 }
            while j < y.count && y[j] == value { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        let effective = Double(x.count * y.count) / Double(x.count + y.count)
        let root = effective.squareRoot()
        return (d, SpecialFunctions.kolmogorovSurvival((root + 0.12 + 0.11 / root) * d))
    }

    /// The 1-Wasserstein (earth mover's) distance between the two empirical distributions.
    public static func wasserstein(_ a: [Double], _ b: [Double]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let x = a.sorted(), y = b.sorted()
        // Integrate |F₁ − F₂| over the merged support.
        let points = (x + y).sorted()
        var i = 0, j = 0, distance = 0.0
        for k in 0..<(points.count - 1) {
            let t = points[k]
            while i < x.count && x[i] <= t { i += 1 }
            while j < y.count && y[j] <= t { j += 1 }
            distance += abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)) * (points[k + 1] - t)
        }
        return distance
    }

    /// The check for one numeric field, by sample size as in `DistributionShift.check`.
    public static func check(_ name: String, reference: [Double], window: [Double], options: DriftOptions) -> DriftCheck {
        guard reference.count >= 2, !window.isEmpty else { return .skipped(name, "too few values") }
        let ks = kolmogorovSmirnov(reference, window)
        let mean = reference.reduce(0, +) / Double(reference.count)
        let sd = (reference.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(reference.count - 1)).squareRoot()
        let normed = wasserstein(reference, window) / max(sd, 1e-9)
        let windowMean = window.reduce(0, +) / Double(window.count)
        let detail = String(format: "mean %.2f → %.2f; KS D %.3f (p %.3g); Wasserstein %.3f reference SDs",
                            mean, windowMean, ks.statistic, ks.pValue, normed)
        if min(reference.count, window.count) <= options.smallSampleLimit {
            return DriftCheck(name: name, method: "kolmogorov-smirnov", value: ks.pValue, threshold: options.significance,
                              alarmsBelow: true, detail: detail)
        }
        return DriftCheck(name: name, method: "wasserstein-normed", value: normed, threshold: options.wassersteinThreshold,
                          alarmsBelow: false, detail: detail)
    }
}
