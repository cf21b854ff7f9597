import Foundation

/// A rise in a share (abstentions, empty bodies, foreign-language texts) from reference to window.
public enum ProportionShift {
    /// One-sided two-proportion z-test of H₁: the window's share is higher. Returns z and the p-value.
    public static func riseTest(referenceHits: Int, referenceTotal: Int, windowHits: Int, windowTotal: Int)
        -> (z: Double, pValue: Double)
    {
        guard referenceTotal > 0, windowTotal > 0 else { return (0, 1) }
        let p1 = Double(referenceHits) / Double(referenceTotal), p2 = Double(windowHits) / Double(windowTotal)
        let pooled = Double(referenceHits + windowHits) / Double(referenceTotal + windowTotal)
        let se = (pooled * (1 - pooled) * (1 / Double(referenceTotal) + 1 / Double(windowTotal))).squareRoot()
        guard se > 0 else { return (0, 1) }
        let z = (p2 - p1) / se
        return (z, SpecialFunctions.normalSurvival(z))
    }

    /// The check: drift when the window's share of `what` is significantly higher than the reference's.
    public static func check(_ name: String, what: String, reference: [Bool], window: [Bool], options: DriftOptions) -> DriftCheck {
        guard !reference.isEmpty, !window.isEmpty else { return .skipped(name, "no values") }
        let r = reference.filter { $0 }.count, w = window.filter { $0 }.count
        let test = riseTest(referenceHits: r, referenceTotal: reference.count, windowHits: w, windowTotal: window.count)
        let detail = String(format: "%@ %.1f%% → %.1f%% (z %.2f)", what,
                            100 * Double(r) / Double(reference.count), 100 * Double(w) / Double(window.count), test.z)
        return DriftCheck(name: name, method: "two-proportion-z", value: test.pValue, threshold: options.significance,
                          alarmsBelow: true, detail: detail)
    }
}
