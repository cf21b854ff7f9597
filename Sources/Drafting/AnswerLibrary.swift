import Domain
import NIOConcurrencyHelpers
import Search
import Store

/// The approved answers in memory, for matching tickets: every example of every approved answer as a vector,
/// reloaded by `refresh()` when the library changed (an approval, an edit, a retirement, new examples — by any
/// process). A ticket matches the answer of its most similar example when that similarity reaches the
/// calibrated threshold.
public struct AnswerLibrary: Sendable {
    public let store: any AnswerStore & ChangeFeed
    public let model: String
    /// The threshold when the library was never mined (answers written or proposed by hand only): Dify's
    /// example value for reusing a curated reply.
    public static let uncalibratedThreshold = 0.9
    private let state: NIOLockedValueBox<Loaded>

    private struct Loaded {
        var index: VectorIndex?
        var owners: [String] = []
        var examples: [String] = []
        var answers: [String: LibraryAnswer] = [:]
        var threshold = AnswerLibrary.uncalibratedThreshold
        /// The answer change-feed position when loaded; nil before the first load.
        var sequence: Int64?
    }

    /// A ticket's best approved answer.
    public struct Match: Sendable {
        public var answer: LibraryAnswer
        public var score: Double
        public var threshold: Double
        /// The example the ticket was closest to.
        public var example: String
    }

    public init(store: any AnswerStore & ChangeFeed, model: String) async throws {
        self.store = store
        self.model = model
        state = NIOLockedValueBox(Loaded())
        try await refresh()
    }

    /// Approved answers loaded.
    public var approvedAnswers: Int { state.withLockedValue { $0.answers.count } }
    public var threshold: Double { state.withLockedValue(\.threshold) }

    /// Reloads when the library changed since the last load; one cheap query otherwise.
    @discardableResult
    public func refresh() async throws -> Bool {
        let sequence = try await store.latestChange(.answer)
        guard sequence != state.withLockedValue(\.sequence) else { return false }
        let answers = try await store.answers(status: .approved)
        let examples = try await store.answerExamples(status: .approved, model: model)
        let calibration = try await store.answerCalibration()
        var fresh = Loaded(answers: Dictionary(uniqueKeysWithValues: answers.map { ($0.id, $0) }),
                           threshold: calibration.map { $0.model == model ? $0.threshold : Self.uncalibratedThreshold }
                               ?? Self.uncalibratedThreshold,
                           sequence: sequence)
        if let dimension = examples.first?.vector.count {
            var index = VectorIndex(dimension: dimension)
            index.reserveCapacity(examples.count)
            for example in examples where example.vector.count == dimension {
                try index.add(id: Int64(fresh.owners.count), vector: example.vector)
                fresh.owners.append(example.answerID)
                fresh.examples.append(example.text)
            }
            fresh.index = index
        }
        state.withLockedValue { $0 = fresh }
        return true
    }

    /// The approved answer whose examples the ticket (its embedding) is most similar to, when that reaches the
    /// threshold; the best candidate below it with `includeBelowThreshold` (for evaluation).
    public func match(_ vector: [Float], includeBelowThreshold: Bool = false) -> Match? {
        let loaded = state.withLockedValue { $0 }
        guard let index = loaded.index, index.dimension == vector.count,
              let best = try? index.search(vector, k: 1).first, let answer = loaded.answers[loaded.owners[Int(best.id)]] else { return nil }
        guard includeBelowThreshold || Double(best.score) >= loaded.threshold else { return nil }
        return Match(answer: answer, score: Double(best.score), threshold: loaded.threshold, example: loaded.examples[Int(best.id)])
    }
}
