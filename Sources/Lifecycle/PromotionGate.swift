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
        /// Both accuracies, the margin and both P1 recalls, saying which rule failed, for people.
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
        // A tolerance so that a gain equal to the margin passes despite floating-point rounding.
        let accuracyPasses = candidate.accuracy + 1e-9 >= required
        let recallPasses = champion.p1Recall.map { (candidate.p1Recall ?? 0) + 1e-9 >= $0 } ?? true
        func value(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "unknown" }
        let accuracy = String(format: "accuracy %.3f %@ the champion's %.3f + margin %.1f points = %.3f",
                              candidate.accuracy, accuracyPasses ? "reaches" : "is below", champion.accuracy,
                              margin * 100, required)
        let recall = "P1 recall \(value(candidate.p1Recall)) \(recallPasses ? "is not lower than" : "is lower than") "
            + "the champion's \(value(champion.p1Recall))"
        return Verdict(passed: accuracyPasses && recallPasses,
                       explanation: "\(accuracy); \(recall) (n = \(candidate.n) on \(evaluationSet))")
    }
}
