import ArgumentParser
import Domain
import Foundation
import Lifecycle
import Monitoring
import Routing

/// `localtriage monitor`: drift, data quality and emerging themes of a window of tickets against a reference.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Compare recent tickets with a reference: drift, data quality, emerging themes.",
        discussion: """
            Writes report.html (plots, no external scripts), report.json and metrics.prom (Prometheus text format) \
            to --out. Exits with code \(Self.driftExitCode) when any check is beyond its threshold.
            """)

    static let driftExitCode: Int32 = 3

    @OptionGroup var global: GlobalOptions
    @Option(help: "Reference tickets (the training data, or a known-good period): CSV, JSON or JSONL.") var reference: String
    @Option(help: "Recent tickets to check, same format.") var window: String
    @Option(help: "Field holding the ticket text.") var textField = "text"
    @Option(help: "Field holding the category (labels are compared when both files have them).") var labelField = "category"
    @Option(help: "Field holding the priority.") var priorityField = "priority"
    @Option(help: "A router version folder, latest, or none. Routes both sides for the confidence and abstain checks.")
    var router = "latest"
    @Option(help: "Folder for report.html, report.json and metrics.prom.") var out = "monitor-report"
    @Option(help: "Significance level of each test.") var significance = 0.01
    @Option(help: "Domain-classifier AUC from which embeddings count as drifted.") var aucThreshold = 0.55
    @Option(help: "Clusters for the theme search (default: one per 30 texts, 8 to 150).") var clusters: Int?

    struct Output: Encodable {
        var reference: String
        var window: String
        var router: String?
        var drifted: Bool
        var drift: DriftReport
        var themes: ThemeReport
    }

    func run() async throws {
        let home = try global.homeDirectory()
        let referenceRows = try MonitorRows(path: reference, textField: textField, labelField: labelField, priorityField: priorityField)
        let windowRows = try MonitorRows(path: window, textField: textField, labelField: labelField, priorityField: priorityField)
        let encoder = try EncoderLoader.load()
        Report.note("embedding \(referenceRows.texts.count) reference and \(windowRows.texts.count) window texts")
        let referenceEmbeddings = encoder.encode(referenceRows.texts), windowEmbeddings = encoder.encode(windowRows.texts)

        var routerVersion: String?, routedReference: RoutedRows?, routedWindow: RoutedRows?
        if router != "none", let (model, version) = try loadRouter(home: home) {
            routerVersion = version
            routedWindow = RoutedRows(router: model, texts: windowRows.texts, embeddings: windowEmbeddings)
            if try trainedOnReference(version: version, home: home) {
                Report.note("note: router \(version) was trained on the reference, where its confidence is optimistic; "
                    + "the confidence and abstain checks need a reference it did not train on")
            } else {
                routedReference = RoutedRows(router: model, texts: referenceRows.texts, embeddings: referenceEmbeddings)
            }
        }
        let labelled = (categories: referenceRows.allCategories != nil && windowRows.allCategories != nil,
                        priorities: referenceRows.allPriorities != nil && windowRows.allPriorities != nil)
        // Predictions on one side only cannot be compared: the window's confidences then appear in the plots only.
        let referenceSample = MonitorSample(referenceRows, embeddings: referenceEmbeddings, routed: routedReference,
                                            labelled: labelled)
        let windowSample = MonitorSample(windowRows, embeddings: windowEmbeddings,
                                         routed: routedReference == nil ? nil : routedWindow, labelled: labelled)

        var options = DriftOptions()
        options.significance = significance
        options.aucThreshold = aucThreshold
        let drift = DriftMonitor.report(reference: referenceSample, window: windowSample, options: options)
        var themeOptions = ThemeOptions()
        themeOptions.clusters = clusters
        let themes = ThemeFinder.find(referenceTexts: referenceRows.texts, referenceEmbeddings: referenceEmbeddings,
                                      windowTexts: windowRows.texts, windowEmbeddings: windowEmbeddings, options: themeOptions)
        let output = Output(reference: reference, window: window, router: routerVersion, drifted: drift.drifted,
                            drift: drift, themes: themes)

        let dir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Report.encoded(output).write(to: dir.appendingPathComponent("report.json"))
        try MonitorMetrics.text(drift: drift, themes: themes)
            .write(to: dir.appendingPathComponent("metrics.prom"), atomically: true, encoding: .utf8)
        try MonitorHTML.render(
            output, referenceSample: referenceSample, windowSample: windowSample,
            windowConfidences: routedWindow?.confidences
        ).write(to: dir.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        Report.note("report: \(dir.appendingPathComponent("report.html").path)")

        if global.json {
            try Report.json(output)
        } else {
            print(Self.table(output))
        }
        if drift.drifted { throw ExitCode(Self.driftExitCode) }
    }

    private func loadRouter(home: URL) throws -> (Router, String)? {
        do {
            let loaded = try RouterArtifact.load(router, home: home)
            return (loaded.router, loaded.version)
        } catch where router == "latest" {
            Report.note("note: no trained router, so no confidence or abstain checks")
            return nil
        }
    }

    /// True when the router's manifest records the reference file's SHA-256 as its training data.
    private func trainedOnReference(version: String, home: URL) throws -> Bool {
        let folder = router == "latest" ? RouterArtifact.directory(version: version, home: home) : URL(fileURLWithPath: router)
        guard let manifest = try? RouterArtifact.manifest(at: folder) else { return false }
        return manifest.trainingDataSHA256 == (try ContentHash.sha256(fileAt: URL(fileURLWithPath: reference)))
    }

    static func table(_ output: Output) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "–" }
        var text = "reference n = \(output.drift.referenceCount), window n = \(output.drift.windowCount)"
            + (output.router.map { ", router \($0)" } ?? "") + "\n"
        text += Report.table([["check", "method", "value", "threshold", "status", "detail"]] + output.drift.checks.map {
            [$0.name, $0.method, number($0.value), ($0.alarmsBelow ? "< " : "≥ ") + number($0.threshold),
             $0.status.rawValue.uppercased(), $0.detail]
        })
        text += "\n\n\(output.themes.themes.count) emerging themes (\(output.themes.clusters) clusters)"
        for theme in output.themes.themes {
            text += String(format: "\n- %@ %@: %d tickets (%.1f%% vs %.1f%% of the reference, ×%.1f)",
                           theme.kind.rawValue, theme.terms.joined(separator: ", "), theme.windowCount,
                           100 * theme.windowShare, 100 * theme.referenceShare, theme.growth)
            for example in theme.examples { text += "\n    “\(example.prefix(100))”" }
        }
        text += "\n\n" + (output.drifted ? "DRIFT: at least one check is beyond its threshold" : "no drift")
        return text
    }
}
