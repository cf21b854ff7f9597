import Foundation
import Store

/// The rule a candidate must pass to replace the champion, on the frozen evaluation set: accuracy at least the
/// champion's plus a margin, and P1 recall not lower. Pure: the numbers in, a verdict with its reasons out.
public struct PromotionGate: Sendable, Equatable {
    /// Required accuracy gain, as a fraction (0.005 = 0.5 percentage points).
    public var margin: Double

    public init(margin: Double = 0.005) { self.margin = margin }

    /// The gate's answer with the numbers it compared.
    public struct Verdict: Codable, Sendable, Equatable {
        public var passed: Bool
        /// Every reason the candidate failed (empty when it passed), then the comparison, for people.
        public var explanation: String
    }

    /// Compares a candidate's and the champion's metrics on the same frozen set (`evaluationSet` names it).
    public func judge(candidate: ModelMetrics?, champion: ModelMetrics?, evaluationSet: String) -> Verdict {
        guard let candidate else {
            return Verdict(passed: false, explanation: "the candidate has no metrics on the frozen evaluation set \(evaluationSet)")
        }
        guard let champion else {
            return Verdict(passed: false, explanation: "the champion has no metrics on the frozen evaluation set \(evaluationSet)")
        }
        let required = champion.accuracy + margin
        var failures: [String] = []
        // A tolerance so that a gain equal to the margin passes despite floating-point rounding.
        if candidate.accuracy + 1e-9 < required {
            failures.append(String(format: "accuracy %.3f (n = %d) is below the champion's %.3f + margin %.1f points = %.3f",
                                   candidate.accuracy, candidate.n, champion.accuracy, margin * 100, required))
        }
        if let championRecall = champion.p1Recall, (candidate.p1Recall ?? 0) + 1e-9 < championRecall {
            failures.append(String(format: "P1 recall %@ is lower than the champion's %.3f",
                                   candidate.p1Recall.map { String(format: "%.3f", $0) } ?? "unknown", championRecall))
        }
        let comparison = String(format: "candidate accuracy %.3f vs champion %.3f (margin %.1f points), P1 recall %@ vs %@, on %@",
                                candidate.accuracy, champion.accuracy, margin * 100,
                                candidate.p1Recall.map { String(format: "%.3f", $0) } ?? "–",
                                champion.p1Recall.map { String(format: "%.3f", $0) } ?? "–", evaluationSet)
        return Verdict(passed: failures.isEmpty,
                       explanation: failures.isEmpty ? comparison : failures.joined(separator: "; ") + " (\(comparison))")
    }
}
