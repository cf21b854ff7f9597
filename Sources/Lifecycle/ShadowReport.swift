import Domain
import Store

/// Shadow evaluation of a challenger: on the live tickets both routers scored, how often they agree, and on the
/// tickets whose route an agent gave (a correction or a confirmation), how often each was right.
public struct ShadowReport: Codable, Sendable, Equatable {
    /// Accuracy of one router on the tickets agents routed.
    public struct Accuracy: Codable, Sendable, Equatable {
        /// Tickets with an agent's category (or priority, for the priority accuracy).
        public var n: Int
        public var champion: Double
        public var challenger: Double
    }

    public var challenger: String
    /// The champion versions the challenger was compared with (the champion may have moved meanwhile).
    public var championVersions: [String]
    /// Live tickets both routers scored.
    public var tickets: Int
    /// Share of tickets where both give the same most likely category; nil without tickets.
    public var categoryAgreement: Double?
    /// Share of tickets where both give the same priority, over those where both predict one.
    public var priorityAgreement: Double?
    /// Category accuracy on tickets an agent routed; nil when none was.
    public var category: Accuracy?
    public var priority: Accuracy?
    /// Up to 10 recent tickets where the two disagree on the category.
    public var disagreements: [ShadowPrediction]

    public init(challenger: String, predictions: [ShadowPrediction]) {
        self.challenger = challenger
        championVersions = Array(Set(predictions.map(\.championVersion))).sorted()
        tickets = predictions.count
        categoryAgreement = Self.share(predictions) { $0.champion.category == $0.challenger.category }
        let bothPrioritised = predictions.filter { $0.champion.priority != nil && $0.challenger.priority != nil }
        priorityAgreement = Self.share(bothPrioritised) { $0.champion.priority == $0.challenger.priority }
        category = Self.accuracy(predictions, truth: \.correctedCategory, predicted: { $0.category })
        priority = Self.accuracy(predictions, truth: \.correctedPriority, predicted: { $0.priority })
        disagreements = Array(predictions.filter { $0.champion.category != $0.challenger.category }.prefix(10))
    }

    private static func share(_ items: [ShadowPrediction], _ test: (ShadowPrediction) -> Bool) -> Double? {
        items.isEmpty ? nil : Double(items.filter(test).count) / Double(items.count)
    }

    private static func accuracy<T: Equatable>(_ items: [ShadowPrediction], truth: KeyPath<ShadowPrediction, T?>,
                                               predicted: (ShadowDecision) -> T?) -> Accuracy? {
        let judged = items.filter { $0[keyPath: truth] != nil }
        guard !judged.isEmpty else { return nil }
        func rate(_ side: KeyPath<ShadowPrediction, ShadowDecision>) -> Double {
            Double(judged.filter { predicted($0[keyPath: side]) == $0[keyPath: truth] }.count) / Double(judged.count)
        }
        return Accuracy(n: judged.count, champion: rate(\.champion), challenger: rate(\.challenger))
    }
}

extension ModelRegistry {
    /// The shadow report of the current challenger (or of `version`); nil when there is no challenger.
    public func shadowReport(challenger version: String? = nil, limit: Int = 10_000) async throws -> ShadowReport? {
        var challenger = version
        if challenger == nil { challenger = try await aliases()[.challenger] }
        guard let challenger else { return nil }
        return ShadowReport(challenger: challenger,
                            predictions: try await store.shadowPredictions(challengerVersion: challenger, limit: limit))
    }
}
