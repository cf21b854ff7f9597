import ArgumentParser
import Domain
import Foundation
import Ingest
import Readers
import Search
import Store

/// `localtriage ingest tickets|kb`.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load tickets or knowledge-base articles into the store (idempotent, resumable).",
        subcommands: [Tickets.self, KnowledgeBase.self]
    )

    struct Tickets: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "tickets",
            abstract: "Ingest a ticket file: CSV, TSV, JSON array or JSONL.",
            discussion: """
                Invalid records are quarantined with their line and reason (see `localtriage quarantine`), and so \
                are later records repeating an id of the same file; the command fails only when the file cannot be \
                read at all or is empty. Text that is not UTF-8 is read as Windows-1252 with a note. Re-running \
                stores nothing twice; an interrupted run resumes after its last committed batch.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var source: TicketSourceOptions
        @OptionGroup var embedding: EmbeddingOptions
        @Option(help: "Records per transaction.") var batchSize = 500

        func run(store: any StoreBackend) async throws {
            let ingestor = Ingestor(store: store, batchSize: batchSize)
            let report = try await ingestor.ingestTickets(
                path: source.file, format: source.format, mapping: try source.fieldMapping(),
                progress: ProgressBar.forTerminal(label: "tickets", enabled: !global.json))
            let embedded = try await embedding.indexMissing(.ticket, store: store, json: global.json)
            try await IngestOutput.print(report, embedded: embedded, store: store, json: global.json)
        }
    }

    struct KnowledgeBase: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "kb",
            abstract: "Ingest knowledge-base articles: a folder of Markdown files (with optional front matter), "
                + "or a JSON/JSONL file of articles. Articles are chunked for search."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var embedding: EmbeddingOptions
        @Argument(help: "A folder of .md files, a .md file, or a .json/.jsonl file.") var path: String
        @Option(help: "Largest chunk, in characters.") var chunkSize = 1000
        @Option(help: "Most characters of whole sentences repeated at the start of the next chunk.") var overlap = 160

        func run(store: any StoreBackend) async throws {
            guard chunkSize >= 200, overlap >= 0, overlap < chunkSize / 2 else {
                throw ValidationError("--chunk-size must be at least 200 and --overlap under half of it")
            }
            let ingestor = Ingestor(store: store, chunker: Chunker(maxLength: chunkSize, minLength: chunkSize / 5,
                                                                   overlap: overlap))
            let report = try await ingestor.ingestKnowledgeBase(
                path: path, progress: ProgressBar.forTerminal(label: "articles", enabled: !global.json))
            let embedded = try await embedding.indexMissing(.chunk, store: store, json: global.json)
            let search = try await embedding.chooseSearchSettings(store: store)
            try await IngestOutput.print(report, embedded: embedded, search: search, store: store, json: global.json)
        }
    }
}

/// Where tickets come from and how their columns map to ticket fields.
struct TicketSourceOptions: ParsableArguments {
    @Argument(help: "The ticket file.") var file: String
    @Option(help: "csv, tsv, json or jsonl (default: from the file extension).") var format: RecordFormat?
    @Option(name: .customLong("map"), help: ArgumentHelp(
        "Map a ticket field to a column, e.g. --map body=instruction (repeatable). Fields: "
            + TicketField.allCases.map(\.rawValue).joined(separator: ", "), valueName: "field=column"))
    var map: [String] = []
    @Option(help: "A JSON file of {\"field\": \"column\"} mappings (--map entries win).") var mapping: String?

    func fieldMapping() throws -> FieldMapping {
        let fromFile = try mapping.map { try FieldMapping(contentsOf: URL(fileURLWithPath: $0)) } ?? FieldMapping()
        return fromFile.merging(try FieldMapping(pairs: map))
    }
}

extension RecordFormat: ExpressibleByArgument {}

/// Whether and how ingest computes the vectors semantic search needs.
struct EmbeddingOptions: ParsableArguments {
    @Flag(help: "Do not compute embeddings now (serve, search and the next ingest compute the missing ones).") var noEmbed = false
    @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?

    /// Embeds what lacks a vector; nil when skipped or the model is not installed.
    func indexMissing(_ kind: EmbeddedKind, store: some StoreBackend, json: Bool) async throws -> EmbeddingReport? {
        guard !noEmbed, let encoder = EncoderLoader.loadIfAvailable(explicit: model) else { return nil }
        let started = ContinuousClock.now
        let count = try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(kind)
        return EmbeddingReport(kind: kind, model: encoder.identity.key, embedded: count,
                               seconds: (ContinuousClock.now - started).seconds)
    }
}

extension EmbeddingOptions {
    /// Chooses the hybrid blend for the KB as ingested (`SearchTuner`), or reuses the one recorded for the same
    /// content; nil when embeddings are skipped or the model is not installed.
    func chooseSearchSettings(store: some StoreBackend) async throws -> SearchSettings? {
        guard !noEmbed, let encoder = EncoderLoader.loadIfAvailable(explicit: model) else { return nil }
        return try await LiveKnowledgeBase(store: store, embedder: encoder).searchSettings
    }
}

/// Vectors computed after an ingest.
struct EmbeddingReport: Encodable {
    var kind: EmbeddedKind
    var model: String
    var embedded: Int
    var seconds: Double
}

enum IngestOutput {
    struct Output: Encodable {
        var report: IngestReport
        var embeddings: EmbeddingReport?
        /// The hybrid blend chosen for the KB as ingested (knowledge-base ingests).
        var search: SearchSettings?
        var quarantineSample: [QuarantinedRecord]
    }

    static func print(_ report: IngestReport, embedded: EmbeddingReport?, search: SearchSettings? = nil,
                      store: some StoreBackend, json: Bool) async throws {
        let sample = report.counts.quarantined > 0
            ? try await store.quarantined(source: nil, limit: 1_000).filter {
                $0.source == report.source || $0.source.hasPrefix(report.source + "/")
            }
            : []
        if json {
            try Report.json(Output(report: report, embeddings: embedded, search: search, quarantineSample: Array(sample.prefix(20))))
            return
        }
        let c = report.counts
        var lines = ["\(report.kind == .kb ? "Knowledge base" : "Tickets") from \(report.source)"]
        if report.resumedFrom > 0 { lines.append("Resumed an interrupted run after \(report.resumedFrom) records.") }
        lines.append(Report.table([
            ["read", "stored", "updated", "unchanged", "quarantined", "seconds"],
            [c.read, c.stored, c.updated, c.unchanged, c.quarantined].map(String.init)
                + [String(format: "%.2f", report.seconds)],
        ]))
        for note in report.notes { lines.append("Note: \(note)") }
        if let embedded {
            lines.append("Embedded \(embedded.embedded) \(embedded.kind.rawValue)s with \(embedded.model) in "
                + String(format: "%.1f s.", embedded.seconds))
        }
        if let search {
            lines.append(search.method == "rrf"
                ? "Search: reciprocal rank fusion, chosen on \(search.pseudoQueries) pseudo-queries."
                : "Search: keyword weight \(String(format: "%.2f", search.keywordWeight)), chosen on \(search.pseudoQueries) "
                    + "pseudo-queries\(search.candidates.isEmpty ? " (too few to choose from: the default)" : "").")
        }
        if !sample.isEmpty {
            lines.append("\nQuarantined (first \(min(sample.count, 10)); `localtriage quarantine` lists all):")
            for record in sample.sorted(by: { $0.line < $1.line }).prefix(10) {
                lines.append("  line \(record.line): \(record.reason)")
            }
        }
        Swift.print(lines.joined(separator: "\n"))
    }
}
