import ArgumentParser
import Domain
import Evaluation
import Foundation

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

    func run() async throws {
        var evaluation = ThemeEvaluation(data: data, corpus: try EvalCorpus.load(
            path: data, textField: textField, labelField: labelField, embedder: try EncoderLoader.load(), note: Report.note))
        evaluation.draws = draws
        evaluation.heldOut = heldOut
        evaluation.inject = inject
        evaluation.window = window
        evaluation.seed = seed
        evaluation.note = { Report.note($0) }
        let output = evaluation.run()
        let (score, baseline, example) = (output.themes, output.baselineAllClusters, output.example)
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
}
