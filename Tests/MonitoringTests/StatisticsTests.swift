import Foundation
import Monitoring
import Testing

@Suite struct StatisticsTests {
    /// Closed forms: df 1 is erfc(√(x/2)), df 2 is e^{−x/2}, df 4 is e^{−x/2}(1 + x/2); and table quantiles.
    @Test func chiSquaredSurvivalMatchesClosedFormsAndTables() {
        for x in [0.01, 0.5, 1, 3.841458820694124, 7.5, 20, 60] {
            #expect(abs(SpecialFunctions.chiSquaredSurvival(x, degreesOfFreedom: 1) - erfc((x / 2).squareRoot())) < 1e-12)
            #expect(abs(SpecialFunctions.chiSquaredSurvival(x, degreesOfFreedom: 2) - exp(-x / 2)) < 1e-12)
            #expect(abs(SpecialFunctions.chiSquaredSurvival(x, degreesOfFreedom: 4) - exp(-x / 2) * (1 + x / 2)) < 1e-12)
        }
        // 0.95 and 0.99 quantiles from published tables (SciPy chi2.ppf).
        #expect(abs(SpecialFunctions.chiSquaredSurvival(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-9)
        #expect(abs(SpecialFunctions.chiSquaredSurvival(11.070497693516351, degreesOfFreedom: 5) - 0.05) < 1e-9)
        #expect(abs(SpecialFunctions.chiSquaredSurvival(23.209251158954356, degreesOfFreedom: 10) - 0.01) < 1e-9)
        #expect(abs(SpecialFunctions.chiSquaredSurvival(97.35097037903296, degreesOfFreedom: 76) - 0.05) < 1e-6)
        #expect(abs(SpecialFunctions.chiSquaredSurvival(200, degreesOfFreedom: 150) - 0.003973185970821635) < 1e-12)
        #expect(abs(SpecialFunctions.chiSquaredSurvival(5, degreesOfFreedom: 30) - 0.9999999308468613) < 1e-12)
        #expect(SpecialFunctions.chiSquaredSurvival(0, degreesOfFreedom: 3) == 1)
    }

    @Test func chiSquaredHomogeneityByHand() {
        // (10, 20) vs (20, 10): every expected count is 15, so χ² = 4 · 5² / 15 with 1 degree of freedom.
        let table = CategoricalComparison(reference: Array(repeating: "a", count: 10) + Array(repeating: "b", count: 20),
                                          window: Array(repeating: "a", count: 20) + Array(repeating: "b", count: 10))
        let result = DistributionShift.chiSquared(table)
        #expect(abs(result.statistic - 100.0 / 15) < 1e-12)
        #expect(result.degreesOfFreedom == 1)
        #expect(abs(result.pValue - erfc((100.0 / 30).squareRoot())) < 1e-12)
    }

    @Test func jensenShannonDistanceProperties() {
        let p = [0.2, 0.3, 0.5], q = [0.5, 0.4, 0.1]
        #expect(DistributionShift.jensenShannonDistance(p, p) == 0)
        #expect(DistributionShift.jensenShannonDistance(p, q) == DistributionShift.jensenShannonDistance(q, p))
        #expect(abs(DistributionShift.jensenShannonDistance(p, q) - DistributionShift.jensenShannonDistance(p.map { $0 * 40 }, q)) < 1e-12)
        #expect(abs(DistributionShift.jensenShannonDistance([1, 0], [0, 1]) - log(2).squareRoot()) < 1e-12)
        // [1, 0] vs [½, ½]: m = [¾, ¼]; JSD = ½·ln(4/3) + ½·(½·ln(2/3) + ½·ln 2).
        let expected = (0.5 * log(4.0 / 3) + 0.5 * (0.5 * log(2.0 / 3) + 0.5 * log(2))).squareRoot()
        #expect(abs(DistributionShift.jensenShannonDistance([1, 0], [0.5, 0.5]) - expected) < 1e-12)
        // The triangle inequality holds for the distance.
        let r = [0.1, 0.1, 0.8]
        #expect(DistributionShift.jensenShannonDistance(p, r)
            <= DistributionShift.jensenShannonDistance(p, q) + DistributionShift.jensenShannonDistance(q, r))
    }

    @Test func aucByHand() {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of the 4 pairs are ordered right.
        #expect(ROCAUC.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        #expect(ROCAUC.auc(scores: [0.5, 0.5], labels: [true, false]) == 0.5)
        #expect(ROCAUC.auc(scores: [3, 2, 1], labels: [true, true, false]) == 1)
        #expect(ROCAUC.auc(scores: [1, 2], labels: [true, true]) == 0.5)
    }

    @Test func kolmogorovSmirnovAndWasserstein() {
        let ks = NumericShift.kolmogorovSmirnov([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        #expect(ks.statistic == 1 && ks.pValue < 0.01)
        #expect(NumericShift.kolmogorovSmirnov([1, 2, 3], [1, 2, 3]) == (0, 1))
        // Shifting every value by 2 moves the distribution a distance of 2.
        #expect(abs(NumericShift.wasserstein([1, 2, 3, 7], [3, 4, 5, 9]) - 2) < 1e-12)
        var s = Synthetic(seed: 3)
        let a = (0..<400).map { _ in s.normal() }, b = (0..<400).map { _ in s.normal() }, c = (0..<400).map { _ in s.normal() + 0.5 }
        #expect(NumericShift.kolmogorovSmirnov(a, b).pValue > 0.01)
        #expect(NumericShift.kolmogorovSmirnov(a, c).pValue < 0.001)
    }

    @Test func proportionAndMeanTests() {
        let rise = ProportionShift.riseTest(referenceHits: 30, referenceTotal: 1000, windowHits: 80, windowTotal: 1000)
        #expect(rise.z > 4 && rise.pValue < 1e-4)
        let fall = ProportionShift.riseTest(referenceHits: 80, referenceTotal: 1000, windowHits: 30, windowTotal: 1000)
        #expect(fall.pValue > 0.99)
        let drop = ConfidenceDrift.dropTest(reference: [0.9, 0.8, 0.85, 0.95], window: [0.5, 0.6, 0.55, 0.45])
        #expect(abs(drop.drop - 0.35) < 1e-12 && drop.pValue < 0.001)
        #expect(abs(SpecialFunctions.normalSurvival(1.959963984540054) - 0.025) < 1e-12)
    }

    @Test func languageGuess() {
        #expect(LanguageGuess.guess("I am still waiting on my card, what can I do?") == "en")
        #expect(LanguageGuess.guess("Où est ma carte ? Je ne la trouve pas dans mon compte") == "fr")
        #expect(LanguageGuess.guess("¿Por qué no puedo usar mi tarjeta para pagar?") == "es")
        #expect(LanguageGuess.guess("Где моя карта?") == "cyrillic")
        #expect(LanguageGuess.guess("我的卡还没到") == "cjk")
        #expect(LanguageGuess.guess("   ") == "und")
    }
}
