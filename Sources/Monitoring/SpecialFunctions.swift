import Foundation

/// Distribution functions the drift tests need: chi-squared, normal and Kolmogorov tails.
public enum SpecialFunctions {
    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), by its series below a + 1 and
    /// its continued fraction above (Numerical Recipes §6.2), to about 1e-14 relative error.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "a must be positive")
        guard x > 0 else { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            // P(a, x) = e^{-x} x^a / Γ(a + 1) · Σ x^n / ((a + 1)…(a + n))
            var term = 1 / a, sum = term, denominator = a
            for _ in 0..<10_000 {
                denominator += 1
                term *= x / denominator
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        // Modified Lentz evaluation of the continued fraction for Q.
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(logPrefix) * h)
    }

    /// P(X ≥ statistic) for X chi-squared with `degreesOfFreedom`.
    public static func chiSquaredSurvival(_ statistic: Double, degreesOfFreedom: Int) -> Double {
        guard degreesOfFreedom > 0 else { return 1 }
        return regularizedGammaQ(Double(degreesOfFreedom) / 2, statistic / 2)
    }

    /// P(Z ≥ z) for a standard normal Z.
    public static func normalSurvival(_ z: Double) -> Double {
        0.5 * erfc(z / 2.squareRoot())
    }

    /// P(K > λ) for the Kolmogorov distribution: 2 Σ (−1)^{k−1} e^{−2k²λ²}.
    public static func kolmogorovSurvival(_ lambda: Double) -> Double {
        guard lambda > 0.2 else { return 1 }
        var sum = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * lambda * lambda)
            sum += k % 2 == 1 ? term : -term
            if term < 1e-16 { break }
        }
        return min(1, max(0, 2 * sum))
    }
}
