import ArgumentParser
import Domain
import Foundation
import Search
import Store

/// `localtriage stats`: what the store holds and the latest ingest runs.
struct StatsCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show what the store holds and the recent ingest runs.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "How many ingest runs to list.") var runs = 10

    struct Output: Encodable {
        var home: String
        /// The store's URL (`--store`).
        var store: String
        var counts: StoreCounts
        var ingestRuns: [IngestRun]
        /// The hybrid blend chosen most recently, and whether it was chosen for the KB as it is now.
        var search: SearchChoice?
    }

    struct SearchChoice: Encodable {
        var settings: SearchSettings
        var current: Bool
    }

    func run(store: any StoreBackend) async throws {
        let home = try global.homeDirectory()
        let configuration = try global.storeConfiguration()
        var search: SearchChoice?
        if let settings = try await store.latestSearchSettings() {
            let hash = SearchTuner.kbHash(texts: try await store.indexableChunks().map(\.text), model: settings.model)
            search = SearchChoice(settings: settings, current: hash == settings.kbHash)
        }
        let output = Output(home: home.path, store: configuration.description, counts: try await store.counts(),
                            ingestRuns: try await store.ingestRuns(limit: runs), search: search)
        if global.json { return try Report.json(output) }
        let c = output.counts
        print("Home: \(output.home)\nStore: \(output.store)")
        print(Report.table([["tickets", "articles", "chunks", "quarantined", "ingest runs"],
                            [c.tickets, c.articles, c.chunks, c.quarantined, c.ingestRuns].map(String.init)]))
        if let search {
            let s = search.settings
            let blend = s.method == "rrf" ? "reciprocal rank fusion"
                : "keyword weight \(String(format: "%.2f", s.keywordWeight)) (dense \(String(format: "%.2f", 1 - s.keywordWeight)))"
            print("\nSearch: \(blend), chosen \(s.chosenAt.formatted(.iso8601)) on \(s.pseudoQueries) pseudo-queries from "
                + "\(s.chunks) chunks\(s.candidates.isEmpty ? " (too few to choose from: the default)" : "")"
                + (search.current ? "" : "; the KB changed since: chosen again when the server next rebuilds its indexes"))
        }
        guard !output.ingestRuns.isEmpty else { return }
        print("\nRecent ingest runs:")
        print(Report.table([["run", "kind", "status", "read", "stored", "updated", "unchanged", "quarantined", "source"]]
            + output.ingestRuns.map { r in
                [String(r.id), r.kind.rawValue, r.status.rawValue] + [r.counts.read, r.counts.stored, r.counts.updated,
                 r.counts.unchanged, r.counts.quarantined].map(String.init) + [r.source]
            }))
    }
}

/// `localtriage quarantine`: records set aside at ingest, with file, line and reason.
struct QuarantineCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "List quarantined records with their file, line and reason.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only records from this file (absolute path as ingested).") var source: String?
    @Option(help: "Most records to list.") var limit = 100

    struct Output: Encodable { var records: [QuarantinedRecord] }

    func run(store: any StoreBackend) async throws {
        let source = self.source.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let records = try await store.quarantined(source: source, limit: limit)
        if global.json { return try Report.json(Output(records: records)) }
        if records.isEmpty { return print("No quarantined records.") }
        print(Report.table([["file", "line", "reason"]] + records.map {
            [($0.source as NSString).lastPathComponent, String($0.line), $0.reason]
        }))
    }
}

/// `localtriage audit`: the append-only audit log, newest first.
struct AuditCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "List the audit log, newest first: who did what to which target.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Most events to list.") var limit = 50

    struct Output: Encodable { var events: [AuditEvent] }

    func run(store: any StoreBackend) async throws {
        let events = try await store.auditLog(limit: limit)
        if global.json { return try Report.json(Output(events: events)) }
        if events.isEmpty { return print("The audit log is empty.") }
        print(Report.table([["at", "actor", "action", "target", "details"]] + events.map {
            [$0.at.ISO8601Format(), $0.actor, $0.action, $0.target, $0.details]
        }))
    }
}
