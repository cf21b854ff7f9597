import Domain
import Monitoring
import Testing

@Suite struct DriftMonitorTests {
    /// A sample of `n` tickets: categories by weight, embeddings near their category's direction, lengths and
    /// confidences from the given means.
    static func sample(_ s: inout Synthetic, n: Int, weights: [String: Double], directions: [String: [Float]],
                       words: Double, confidence: Double) -> MonitorSample {
        let categories = s.categories(weights, n: n)
        let texts = categories.map { c in
            (0..<max(1, Int(words + 3 * s.normal()))).map { _ in c }.joined(separator: " ")
        }
        let confidences = (0..<n).map { _ in min(1, max(0, confidence + 0.1 * s.normal())) }
        return MonitorSample(texts: texts, embeddings: categories.map { s.unitVector(near: directions[$0]!, noise: 0.3) },
                             categories: categories, confidences: confidences, abstained: confidences.map { $0 < 0.5 })
    }

    @Test func aShiftedWindowIsDetectedAndAnUnshiftedOneIsNot() {
        var s = Synthetic(seed: 11)
        let labels = (0..<8).map { "c\($0)" }
        let directions = Dictionary(uniqueKeysWithValues: labels.map { ($0, s.direction(24)) })
        let base = Dictionary(uniqueKeysWithValues: labels.map { ($0, 1.0) })
        let reference = Self.sample(&s, n: 1_500, weights: base, directions: directions, words: 12, confidence: 0.85)
        let same = Self.sample(&s, n: 500, weights: base, directions: directions, words: 12, confidence: 0.85)
        var shiftedWeights = base
        shiftedWeights["c0"] = 0
        shiftedWeights["c1"] = 0
        shiftedWeights["c2"] = 3
        shiftedWeights["c3"] = 3
        let shifted = Self.sample(&s, n: 500, weights: shiftedWeights, directions: directions, words: 16, confidence: 0.75)

        let quiet = DriftMonitor.report(reference: reference, window: same)
        #expect(!quiet.drifted, "\(quiet.checks.filter { $0.status == .drift })")
        #expect(quiet.check("priority")?.status == .skipped)
        let loud = DriftMonitor.report(reference: reference, window: shifted)
        for name in ["category", "embedding", "confidence", "abstain", "length"] {
            #expect(loud.check(name)?.status == .drift, "\(name) not detected: \(String(describing: loud.check(name)))")
        }
        #expect(loud.check("empty-text")?.status == .ok && loud.check("language")?.status == .ok)
        #expect(loud.categories?.rows.first { $0.category == "c0" }?.window == 0)
    }

    @Test func largeSamplesUseDistancesInsteadOfTests() {
        var options = DriftOptions()
        options.smallSampleLimit = 100
        let table = CategoricalComparison(reference: Array(repeating: "a", count: 300) + Array(repeating: "b", count: 300),
                                          window: Array(repeating: "a", count: 200) + Array(repeating: "b", count: 100))
        let check = DistributionShift.check("category", table, options: options)
        #expect(check.method == "jensen-shannon" && !check.alarmsBelow)
        let expected = DistributionShift.jensenShannonDistance([300, 300], [200, 100])
        #expect(check.value == expected && check.status == (expected >= 0.1 ? .drift : .ok))
        let small = DistributionShift.check("category", table, options: DriftOptions())
        #expect(small.method == "chi-squared" && small.value == DistributionShift.chiSquared(table).pValue)
    }

    @Test func emptyBodiesAndAnotherLanguageAreFlagged() {
        let reference: [String] = (0..<400).map { "I cannot find my card number \($0) in the app, what should I do" }
        let window: [String] = (0..<150).map { (i: Int) -> String in
            if i % 5 == 0 { return "  " }
            return i % 5 == 1 ? "Je ne trouve pas ma carte dans le compte \(i)" : reference[i]
        }
        let checks = TextChecks.checks(reference: reference, window: window, options: DriftOptions()).checks
        #expect(checks.first { $0.name == "empty-text" }?.status == .drift)
        #expect(checks.first { $0.name == "language" }?.status == .drift)
        let clean = TextChecks.checks(reference: reference, window: Array(reference.prefix(150)), options: DriftOptions()).checks
        #expect(clean.allSatisfy { $0.status == .ok })
    }
}
