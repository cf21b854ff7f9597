import Domain
import Foundation
import Monitoring

/// Emerging-theme precision and recall with held-out categories injected into a window. Per draw, `heldOut`
/// categories (chosen by seed) are removed from the data; the rest is split into a reference (4/7) and a pool; the
/// window is `window` pool rows plus `inject` rows of each held-out category. A theme is correct when more than half
/// of its window members come from one held-out category (precision: correct themes / themes); a held-out category
/// is found when some correct theme is mostly it (recall: found / held out). The baseline keeps every cluster large
/// enough to be a theme, without comparing with the reference. Unshifted windows (no injection) count false themes.
public struct ThemeEvaluation: Sendable {
    /// The data's name in the report.
    public var data: String
    public var corpus: EvalCorpus
    public var draws = 20
    public var heldOut = 5
    public var inject = 30
    public var window = 1_000
    public var seed: UInt64 = 1
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void = { _ in }

    public init(data: String, corpus: EvalCorpus) {
        self.data = data
        self.corpus = corpus
    }

    public struct Score: Encodable, Sendable {
        public var themes: Int
        public var correctThemes: Int
        public var heldOut: Int
        public var found: Int
        public var precision: Double
        public var recall: Double
    }

    public struct Result: Encodable, Sendable {
        public var data: String
        public var draws: Int
        public var window: Int
        public var heldOut: Int
        public var inject: Int
        public var options: ThemeOptions
        public var themes: Score
        public var baselineAllClusters: Score
        /// Themes reported on windows with nothing injected, per window.
        public var falseThemesPerUnshiftedWindow: Double
        public var example: [Theme]
        public var seconds: Double
    }

    public func run() -> Result {
        let started = ContinuousClock.now
        let options = ThemeOptions()
        var baselineOptions = options
        baselineOptions.growthRatio = 0
        var score = Score(themes: 0, correctThemes: 0, heldOut: 0, found: 0, precision: 0, recall: 0)
        var baseline = score, falseThemes = 0, example: [Theme] = []
        for draw in 0..<draws {
            var r = SeededRandom(seed: seed &+ UInt64(draw))
            let held = Set(corpus.labels.shuffled(using: &r).prefix(heldOut))
            let known = corpus.texts.indices.filter { !held.contains(corpus.categories[$0]) }.shuffled(using: &r)
            let referenceCount = known.count * 4 / 7
            let reference = Array(known.prefix(referenceCount))
            let background = Array(known.dropFirst(referenceCount).prefix(window))
            var injected: [Int] = []
            for label in held.sorted() {
                injected += corpus.texts.indices.filter { corpus.categories[$0] == label }.shuffled(using: &r).prefix(inject)
            }
            let windowRows = (background + injected).shuffled(using: &r)
            func find(_ rows: [Int], _ options: ThemeOptions) -> ThemeReport {
                ThemeFinder.find(referenceTexts: reference.map { corpus.texts[$0] },
                                 referenceEmbeddings: reference.map { corpus.embeddings[$0] },
                                 windowTexts: rows.map { corpus.texts[$0] }, windowEmbeddings: rows.map { corpus.embeddings[$0] },
                                 options: options)
            }
            let found = find(windowRows, options)
            tally(&score, found.themes, rows: windowRows, held: held, corpus: corpus)
            tally(&baseline, find(windowRows, baselineOptions).themes, rows: windowRows, held: held, corpus: corpus)
            falseThemes += find(background, options).themes.count
            if draw == 0 { example = found.themes }
            note("draw \(draw + 1)/\(draws): precision \(String(format: "%.3f", score.precision)), recall \(String(format: "%.3f", score.recall))")
        }
        return Result(data: data, draws: draws, window: window, heldOut: heldOut, inject: inject, options: options,
                            themes: score, baselineAllClusters: baseline,
                            falseThemesPerUnshiftedWindow: Double(falseThemes) / Double(draws),
                            example: example.map { var t = $0; t.members = []; return t },
                            seconds: (ContinuousClock.now - started).seconds)
    }

    /// Adds a draw's themes to the score (micro-averaged over draws).
    private func tally(_ score: inout Score, _ themes: [Theme], rows: [Int], held: Set<String>, corpus: EvalCorpus) {
        var foundLabels: Set<String> = []
        for theme in themes {
            let counts = Dictionary(grouping: theme.members.map { corpus.categories[rows[$0]] }, by: { $0 }).mapValues(\.count)
            if let top = counts.max(by: { $0.value < $1.value }), held.contains(top.key), 2 * top.value > theme.members.count {
                score.correctThemes += 1
                foundLabels.insert(top.key)
            }
        }
        score.themes += themes.count
        score.heldOut += held.count
        score.found += foundLabels.count
        score.precision = Double(score.correctThemes) / Double(max(score.themes, 1))
        score.recall = Double(score.found) / Double(max(score.heldOut, 1))
    }
}
