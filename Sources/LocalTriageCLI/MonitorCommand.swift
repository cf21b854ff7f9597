import ArgumentParser
import Domain
import Foundation
import Lifecycle
import Monitoring
import Rendering
import Routing
import Store

/// `localtriage monitor`: drift, data quality and emerging themes of a window of tickets against a reference.
struct MonitorCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Compare recent tickets with a reference: drift, data quality, emerging themes.",
        discussion: """
            Writes report.html (plots, no external scripts), report.json and metrics.prom (Prometheus text format) \
            to --out. Exits with code \(Self.driftExitCode) when any check is beyond its threshold.
            """)

    static let driftExitCode: Int32 = 3

    @OptionGroup var global: GlobalOptions
    @Option(help: """
        Reference tickets (the training data, or a known-good period): CSV, JSON or JSONL, or `store` for the store's \
        tickets created before the window (the months before the recent weeks). Default: the champion router's training data.
        """)
    var reference: String?
    @Option(help: "Recent tickets to check, same format.") var window: String?
    @Option(help: "Check the tickets in the store created in the last N days instead of a --window file.") var recentDays: Int?
    @Flag(help: "Count --recent-days back from the newest stored ticket instead of from now (imported history, demos).")
    var fromNewest = false
    @Option(help: "Field holding the ticket text (default: text, or the field the champion was trained on when the reference is its training data).")
    var textField: String?
    @Option(help: "Field holding the category (labels are compared when both sides have them; default: category).")
    var labelField: String?
    @Option(help: "Field holding the priority (default: priority).") var priorityField: String?

    /// The fields of the files read, as given, else as the champion's training run recorded them (when the
    /// reference is its training data), else the defaults.
    struct Fields {
        var text = "text", label = "category", priority = "priority"
    }
    @Option(help: "The router routing both sides for the confidence and abstain checks: champion, latest, a version, a version folder, or none.")
    var router = "champion"
    @Option(help: "Folder for report.html, report.json and metrics.prom (default: <home>/monitor, where the server reads the latest run).")
    var out: String?
    @Option(help: "Significance level of each test.") var significance = 0.01
    @Option(help: "Domain-classifier AUC from which embeddings count as drifted.") var aucThreshold = 0.55
    @Option(help: "Clusters for the theme search (default: one per 30 texts, 8 to 150).") var clusters: Int?

    func validate() throws {
        guard (window != nil) != (recentDays != nil) else { throw ValidationError("give either --window FILE or --recent-days N") }
        if reference == "store", recentDays == nil { throw ValidationError("--reference store needs --recent-days N") }
        if let recentDays, recentDays < 1 { throw ValidationError("--recent-days must be at least 1") }
    }

    func run(store: any StoreBackend) async throws {
        let home = try global.homeDirectory()
        let fromStore = self.reference == "store"
        let (reference, recorded) = fromStore ? ("store", nil) : try await referencePath(home: home, store: store)
        let fields = Fields(text: textField ?? recorded?["textField"] ?? "text",
                            label: labelField ?? recorded?["labelField"] ?? "category",
                            priority: priorityField ?? recorded?["priorityField"] ?? "priority")
        let (windowRows, windowName, windowStart) = try await windowRows(home: home, fields: fields, store: store)
        let referenceRows = fromStore ? try await storeRows(home: home, fields: fields, store: store, before: windowStart!).rows
            : try MonitorRows(path: reference, textField: fields.text, labelField: fields.label, priorityField: fields.priority)
        let encoder = try EncoderLoader.load()
        Report.note("embedding \(referenceRows.texts.count) reference and \(windowRows.texts.count) window texts")
        let referenceEmbeddings = encoder.encode(referenceRows.texts), windowEmbeddings = encoder.encode(windowRows.texts)

        var routerVersion: String?, routedReference: RoutedRows?, routedWindow: RoutedRows?
        if router != "none", let loaded = try await loadRouter(home: home) {
            let (model, version) = (loaded.router, loaded.version)
            routerVersion = version
            routedWindow = RoutedRows(router: model, texts: windowRows.texts, embeddings: windowEmbeddings)
            if fromStore {
                Report.note("note: the store's older tickets may be what router \(version) was trained on; the confidence and "
                    + "abstain checks need a reference file it did not train on")
            } else if try trainedOnReference(loaded, reference: reference) {
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
        let output = MonitorReport(reference: reference, window: windowName, router: routerVersion, drift: drift, themes: themes)

        let dir = out.map { URL(fileURLWithPath: $0) } ?? MonitorReport.directory(home: home)
        try output.save(in: dir)
        try MonitorReportPage.render(
            output, referenceSample: referenceSample, windowSample: windowSample,
            windowConfidences: routedWindow?.confidences
        ).write(to: dir.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        Report.note("report: \(dir.appendingPathComponent("report.html").path)")
        // The home's latest run is also the install's: every server replica reads it from the store.
        if out == nil { try await store.publishFolder(MonitorReport.folder, home: home) }

        if global.json {
            try Report.json(output)
        } else {
            print(Self.table(output))
        }
        if drift.drifted { throw ExitCode(Self.driftExitCode) }
    }

    /// --reference, or the training data of the champion router with the parameters its training run recorded
    /// (which name the fields it read).
    private func referencePath(home: URL, store: any StoreBackend) async throws -> (String, [String: String]?) {
        if let reference { return (reference, nil) }
        let registry = ModelRegistry(store: store, home: home)
        guard let champion = try await registry.championVersion(),
              let run = try await registry.store.trainingRun(modelVersion: champion) else {
            throw ValidationError("no champion router to take the reference from: give --reference FILE")
        }
        guard FileManager.default.fileExists(atPath: run.trainingData.path) else {
            throw ValidationError("the champion's training data \(run.trainingData.path) is gone: give --reference FILE")
        }
        Report.note("reference: \(run.trainingData.path), the training data of the champion \(champion)")
        return (run.trainingData.path, run.parameters)
    }

    /// The --window file, or the tickets stored in the last --recent-days days (before the newest ticket with
    /// --from-newest), with the window's start.
    private func windowRows(home: URL, fields: Fields, store: any StoreBackend) async throws -> (MonitorRows, String, Date?) {
        if let window {
            return (try MonitorRows(path: window, textField: fields.text, labelField: fields.label, priorityField: fields.priority),
                    window, nil)
        }
        let days = recentDays ?? 7
        var end = Date()
        if fromNewest, let newest = try await store.tickets(TicketQuery(limit: 1)).first?.ticket.createdAt { end = newest }
        let since = end.addingTimeInterval(-Double(days) * 86_400)
        let (rows, count) = try await storeRows(home: home, fields: fields, store: store, since: since)
        guard count > 0 else { throw ValidationError("no tickets in the store created in the \(days) days before \(end)") }
        return (rows, "store: \(count) tickets created in the \(fromNewest ? "\(days) days before the newest" : "last \(days) days")", since)
    }

    /// The store's tickets created since a moment, or before one, as monitor rows, and how many.
    private func storeRows(home: URL, fields: Fields, store: any StoreBackend, since: Date? = nil, before: Date? = nil)
        async throws -> (rows: MonitorRows, count: Int)
    {
        var tickets = try await store.tickets(TicketQuery(createdSince: since, limit: 1_000_000)).map(\.ticket)
        if let before { tickets = tickets.filter { ($0.createdAt ?? .distantFuture) < before } }
        if before != nil, tickets.isEmpty { throw ValidationError("no tickets in the store before the window to compare with") }
        // The same text as the reference's: the body alone when that is the field read there.
        let texts = tickets.map { fields.text == "body" ? $0.body : $0.text }
        return (MonitorRows(texts: texts, categories: tickets.map(\.category), priorities: tickets.map { $0.priority?.rawValue }),
                tickets.count)
    }

    private func loadRouter(home: URL) async throws -> RouterArtifact.Loaded? {
        do {
            return try await RouterSelection.load(router, global: global)
        } catch where router == "champion" || router == "latest" {
            Report.note("note: no trained router, so no confidence or abstain checks")
            return nil
        }
    }

    /// True when the router's manifest records the reference file's SHA-256 as its training data.
    private func trainedOnReference(_ loaded: RouterArtifact.Loaded, reference: String) throws -> Bool {
        guard let manifest = try? RouterArtifact.manifest(at: loaded.directory) else { return false }
        return manifest.trainingDataSHA256 == (try ContentHash.sha256(fileAt: URL(fileURLWithPath: reference)))
    }

    static func table(_ output: MonitorReport) -> String {
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
