import ArgumentParser
import Domain
import Foundation
import Monitoring

/// `localtriage eval themes`: hold categories out of the reference, inject them into a window, and measure
/// whether the emerging themes found are those categories.
struct EvalThemesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "Measure emerging-theme precision and recall with held-out categories injected into a window.",
        discussion: """
            Per draw, --held-out categories (chosen by seed) are removed from the data; the rest is split into a \
            reference (4/7) and a pool; the window is --window pool rows plus --inject rows of each held-out \
            category. A theme is correct when more than half of its window members come from one held-out \
            category (precision: correct themes / themes); a held-out category is found when some correct theme \
            is mostly it (recall: found / held out). The baseline keeps every cluster large enough to be a theme, \
            without comparing with the reference. Unshifted windows (no injection) count false themes.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Labelled data (e.g. Banking77 train.csv).") var data: String
    @Option(help: "Field holding the text.") var textField = "text"
    @Option(help: "Field holding the category.") var labelField = "category"
    @Option(help: "Seeded draws.") var draws = 20
    @Option(help: "Categories held out of the reference and injected into the window.") var heldOut = 5
    @Option(help: "Rows of each held-out category injected.") var inject = 30
    @Option(help: "Rows of the window drawn from the reference distribution.") var window = 1_000
    @Option(help: "Base seed.") var seed: UInt64 = 1

    struct Score: Encodable {
        var themes: Int
        var correctThemes: Int
        var heldOut: Int
        var found: Int
        var precision: Double
        var recall: Double
    }

    struct Output: Encodable {
        var data: String
        var draws: Int
        var window: Int
        var heldOut: Int
        var inject: Int
        var options: ThemeOptions
        var themes: Score
        var baselineAllClusters: Score
        /// Themes reported on windows with nothing injected, per window.
        var falseThemesPerUnshiftedWindow: Double
        var example: [Theme]
        var seconds: Double
    }

    func run() async throws {
        let started = ContinuousClock.now
        let corpus = try EvalCorpus.load(path: data, textField: textField, labelField: labelField)
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
            Report.note("draw \(draw + 1)/\(draws): precision \(String(format: "%.3f", score.precision)), recall \(String(format: "%.3f", score.recall))")
        }
        let output = Output(data: data, draws: draws, window: window, heldOut: heldOut, inject: inject, options: options,
                            themes: score, baselineAllClusters: baseline,
                            falseThemesPerUnshiftedWindow: Double(falseThemes) / Double(draws),
                            example: example.map { var t = $0; t.members = []; return t },
                            seconds: (ContinuousClock.now - started).seconds)
        if global.json { return try Report.json(output) }
        print("\(draws) draws: \(heldOut) held-out categories × \(inject) rows injected into \(window) reference-like rows")
        var rows = [["system", "themes", "correct", "precision", "held out", "found", "recall"]]
        for (name, s) in [("themes", score), ("baseline: every cluster", baseline)] {
            rows.append([name, String(s.themes), String(s.correctThemes), String(format: "%.3f", s.precision),
                         String(s.heldOut), String(s.found), String(format: "%.3f", s.recall)])
        }
        print(Report.table(rows))
        print(String(format: "false themes per unshifted window: %.2f", output.falseThemesPerUnshiftedWindow))
        for theme in example {
            print("- \(theme.kind.rawValue): \(theme.terms.joined(separator: ", ")) (\(theme.windowCount) tickets) e.g. “\(theme.examples.first ?? "")”")
        }
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
