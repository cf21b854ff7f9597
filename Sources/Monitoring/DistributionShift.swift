import Foundation

/// Two samples of a categorical variable side by side: counts per category.
public struct CategoricalComparison: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var category: String
        public var reference: Int
        public var window: Int
    }

    /// Every category seen in either sample, sorted by name.
    public var rows: [Row]
    public var referenceTotal: Int { rows.reduce(0) { $0 + $1.reference } }
    public var windowTotal: Int { rows.reduce(0) { $0 + $1.window } }

    public init(reference: [String], window: [String]) {
        var counts: [String: (Int, Int)] = [:]
        for value in reference { counts[value, default: (0, 0)].0 += 1 }
        for value in window { counts[value, default: (0, 0)].1 += 1 }
        rows = counts.keys.sorted().map { Row(category: $0, reference: counts[$0]!.0, window: counts[$0]!.1) }
    }

    public func referenceShare(_ row: Row) -> Double { Double(row.reference) / Double(max(referenceTotal, 1)) }
    public func windowShare(_ row: Row) -> Double { Double(row.window) / Double(max(windowTotal, 1)) }
}

/// Shift between two categorical distributions, as Evidently decides it: a chi-squared test when a sample is
/// small, the Jensen–Shannon distance when both are large (a test on thousands of rows flags differences too
/// small to matter).
public enum DistributionShift {
    /// Chi-squared test of homogeneity on the 2 × k table (reference, window) × category.
    /// Returns the statistic, its degrees of freedom (k − 1 over categories seen) and the p-value.
    public static func chiSquared(_ table: CategoricalComparison) -> (statistic: Double, degreesOfFreedom: Int, pValue: Double) {
        let n1 = Double(table.referenceTotal), n2 = Double(table.windowTotal)
        let rows = table.rows.filter { $0.reference + $0.window > 0 }
        guard n1 > 0, n2 > 0, rows.count >= 2 else { return (0, 0, 1) }
        let total = n1 + n2
        var statistic = 0.0
        for row in rows {
            let pooled = Double(row.reference + row.window) / total
            for (observed, size) in [(Double(row.reference), n1), (Double(row.window), n2)] {
                let expected = pooled * size
                statistic += (observed - expected) * (observed - expected) / expected
            }
        }
        let df = rows.count - 1
        return (statistic, df, SpecialFunctions.chiSquaredSurvival(statistic, degreesOfFreedom: df))
    }

    /// Jensen–Shannon distance between two discrete distributions (square root of the divergence, natural
    /// log as in SciPy and Evidently): 0 for equal distributions, at most √ln 2 ≈ 0.833 for disjoint ones.
    public static func jensenShannonDistance(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "distributions over different supports")
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        guard sp > 0, sq > 0 else { return 0 }
        var divergence = 0.0
        for (a, b) in zip(p, q) {
            let x = a / sp, y = b / sq, m = (x + y) / 2
            if x > 0 { divergence += 0.5 * x * log(x / m) }
            if y > 0 { divergence += 0.5 * y * log(y / m) }
        }
        return max(0, divergence).squareRoot()
    }

    /// The check for one categorical field: chi-squared (p below `options.significance`) when either sample
    /// has at most `options.smallSampleLimit` rows, else Jensen–Shannon distance at or above its threshold.
    public static func check(_ name: String, _ table: CategoricalComparison, options: DriftOptions) -> DriftCheck {
        let jsd = jensenShannonDistance(table.rows.map { Double($0.reference) }, table.rows.map { Double($0.window) })
        let chi = chiSquared(table)
        let detail = String(format: "chi2 %.1f (df %d, p %.3g), JS distance %.3f over %d categories",
                            chi.statistic, chi.degreesOfFreedom, chi.pValue, jsd, table.rows.count)
        if min(table.referenceTotal, table.windowTotal) <= options.smallSampleLimit {
            return DriftCheck(name: name, method: "chi-squared", value: chi.pValue, threshold: options.significance,
                              alarmsBelow: true, detail: detail)
        }
        return DriftCheck(name: name, method: "jensen-shannon", value: jsd, threshold: options.jensenShannonThreshold,
                          alarmsBelow: false, detail: detail)
    }
}
