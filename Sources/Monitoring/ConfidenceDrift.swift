import Foundation

/// The router growing less sure: its mean confidence dropping and its abstain rate rising.
public enum ConfidenceDrift {
    /// One-sided Welch z-test of H₁: the window's mean is lower. Returns the drop (reference − window mean),
    /// z and the p-value; normal approximation, fine for the hundreds of tickets a window holds.
    public static func dropTest(reference: [Double], window: [Double]) -> (drop: Double, z: Double, pValue: Double) {
        guard reference.count >= 2, window.count >= 2 else { return (0, 0, 1) }
        func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
            let mean = x.reduce(0, +) / Double(x.count)
            return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1))
        }
        let r = moments(reference), w = moments(window)
        let se = (r.variance / Double(reference.count) + w.variance / Double(window.count)).squareRoot()
        let drop = r.mean - w.mean
        guard se > 0 else { return (drop, 0, drop > 0 ? 0 : 1) }
        return (drop, drop / se, SpecialFunctions.normalSurvival(drop / se))
    }

    /// The mean-confidence check.
    public static func confidenceCheck(reference: [Double], window: [Double], options: DriftOptions) -> DriftCheck {
        guard reference.count >= 2, window.count >= 2 else { return .skipped("confidence", "too few routed tickets") }
        let test = dropTest(reference: reference, window: window)
        let referenceMean = reference.reduce(0, +) / Double(reference.count)
        let detail = String(format: "mean confidence %.3f → %.3f (z %.2f)", referenceMean, referenceMean - test.drop, test.z)
        return DriftCheck(name: "confidence", method: "welch-z", value: test.pValue, threshold: options.significance,
                          alarmsBelow: true, detail: detail)
    }

    /// The abstain-rate check.
    public static func abstainCheck(reference: [Bool], window: [Bool], options: DriftOptions) -> DriftCheck {
        ProportionShift.check("abstain", what: "abstained", reference: reference, window: window, options: options)
    }
}
