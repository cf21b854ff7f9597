import Domain
import Foundation

/// A metric with its sample size and a bootstrap 95% interval.
public struct Estimate: Codable, Sendable, Equatable {
    public var value: Double
    public var low: Double
    public var high: Double
    public var n: Int
}

/// Quality of a router on labelled data.
public struct RouterEvaluation: Codable, Sendable {
    public var n: Int
    public var accuracy: Estimate
    public var macroF1: Estimate
    public var perClass: [ClassMetrics]
    /// confusion[i][j]: examples of labels[i] predicted as labels[j].
    public var labels: [String]
    public var confusion: [[Int]]
    public var priorityAccuracy: Estimate?
    public var p1Recall: Estimate?
    public var p1Precision: Estimate?
    /// Share of tickets the router abstains on, and the accuracy on the rest.
    public var abstainRate: Double
    public var answeredAccuracy: Double
    /// (threshold, coverage, accuracy on covered) for thresholds 0, 0.1 … 0.9.
    public var coverageCurve: [CoveragePoint]

    public struct ClassMetrics: Codable, Sendable, Equatable {
        public var label: String
        public var support: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    public struct CoveragePoint: Codable, Sendable, Equatable {
        public var threshold: Double
        public var coverage: Double
        public var accuracy: Double
    }

    /// Scores predictions; `predicted` category (best guess, even when abstaining), `confidence`, `abstained`.
    public static func evaluate(truth: [String], predicted: [String], confidence: [Double], abstained: [Bool],
                                truthPriority: [Priority?] = [], predictedPriority: [Priority?] = [],
                                bootstrap: Int = 1000) -> RouterEvaluation {
        let n = truth.count
        let labels = Array(Set(truth + predicted)).sorted()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var confusion = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        for (t, p) in zip(truth, predicted) { confusion[index[t]!][index[p]!] += 1 }
        let perClass = labels.enumerated().map { i, label -> ClassMetrics in
            let tp = Double(confusion[i][i])
            let predictedCount = Double(confusion.reduce(0) { $0 + $1[i] })
            let support = confusion[i].reduce(0, +)
            let precision = predictedCount > 0 ? tp / predictedCount : 0
            let recall = support > 0 ? tp / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassMetrics(label: label, support: support, precision: precision, recall: recall, f1: f1)
        }
        var random = SeededRandom(seed: 17)
        func estimate(_ indices: [Int], _ metric: ([Int]) -> Double) -> Estimate {
            let value = metric(indices)
            guard !indices.isEmpty else { return Estimate(value: 0, low: 0, high: 0, n: 0) }
            var samples = (0..<bootstrap).map { _ in metric(indices.map { _ in indices[Int(random.next() % UInt64(indices.count))] }) }
            samples.sort()
            return Estimate(value: value, low: samples[Int(Double(bootstrap) * 0.025)],
                            high: samples[min(bootstrap - 1, Int(Double(bootstrap) * 0.975))], n: indices.count)
        }
        let all = Array(0..<n)
        let accuracy = estimate(all) { s in Double(s.filter { truth[$0] == predicted[$0] }.count) / Double(s.count) }
        let macroF1 = estimate(all) { s in
            let present = Set(s.map { truth[$0] })
            return present.reduce(0.0) { sum, label in
                let tp = Double(s.filter { truth[$0] == label && predicted[$0] == label }.count)
                let fp = Double(s.filter { truth[$0] != label && predicted[$0] == label }.count)
                let fn = Double(s.filter { truth[$0] == label && predicted[$0] != label }.count)
                return sum + (tp > 0 ? 2 * tp / (2 * tp + fp + fn) : 0)
            } / Double(max(present.count, 1))
        }
        var priorityAccuracy: Estimate?, p1Recall: Estimate?, p1Precision: Estimate?
        if !truthPriority.isEmpty, truthPriority.count == n, predictedPriority.count == n {
            let known = all.filter { truthPriority[$0] != nil && predictedPriority[$0] != nil }
            if !known.isEmpty {
                priorityAccuracy = estimate(known) { s in
                    Double(s.filter { truthPriority[$0] == predictedPriority[$0] }.count) / Double(s.count)
                }
                let positives = known.filter { truthPriority[$0] == .p1 }
                if !positives.isEmpty {
                    p1Recall = estimate(positives) { s in
                        Double(s.filter { predictedPriority[$0] == .p1 }.count) / Double(s.count)
                    }
                }
                let flagged = known.filter { predictedPriority[$0] == .p1 }
                if !flagged.isEmpty {
                    p1Precision = estimate(flagged) { s in Double(s.filter { truthPriority[$0] == .p1 }.count) / Double(s.count) }
                }
            }
        }
        let answered = all.filter { !abstained[$0] }
        let curve = stride(from: 0.0, to: 0.95, by: 0.1).map { t -> CoveragePoint in
            let covered = all.filter { confidence[$0] >= t }
            return CoveragePoint(threshold: t, coverage: Double(covered.count) / Double(max(n, 1)),
                                 accuracy: covered.isEmpty ? 0 : Double(covered.filter { truth[$0] == predicted[$0] }.count) / Double(covered.count))
        }
        return RouterEvaluation(
            n: n, accuracy: accuracy, macroF1: macroF1, perClass: perClass, labels: labels, confusion: confusion,
            priorityAccuracy: priorityAccuracy, p1Recall: p1Recall, p1Precision: p1Precision,
            abstainRate: Double(n - answered.count) / Double(max(n, 1)),
            answeredAccuracy: answered.isEmpty ? 0 : Double(answered.filter { truth[$0] == predicted[$0] }.count) / Double(answered.count),
            coverageCurve: curve)
    }
}
