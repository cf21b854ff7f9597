import Domain
import Foundation
import Readers
import Store

/// What an ingest did, as printed by `localtriage ingest`.
public struct IngestReport: Codable, Sendable, Equatable {
    public var kind: IngestKind
    public var source: String
    public var runID: Int64
    /// Records skipped because an interrupted run had already committed them (0 for a fresh run).
    public var resumedFrom: Int
    public var counts: IngestCounts
    public var seconds: Double
    /// How the input was read when that took a decision: an encoding fallback, an ignored unnamed column, a file
    /// of a folder that could not be read. Also recorded in the run's audit entry.
    public var notes: [String] = []
}

/// Reads a source, validates every record, and commits them to the store in batches.
///
/// Each batch is one transaction that also advances the run's position, so a process killed mid-file loses
/// nothing it committed, and the next ingest of the same content resumes after the last committed batch.
/// Upserts are keyed by external id, so re-ingesting stores nothing twice and edited records update in place.
public struct Ingestor: Sendable {
    public let store: any IngestStore
    public var batchSize: Int
    public var chunker: Chunker
    /// Who is ingesting, for the audit log.
    public var actor: String

    public init(store: any IngestStore, batchSize: Int = 500, chunker: Chunker = Chunker(), actor: String = "cli") {
        self.store = store
        self.batchSize = max(1, batchSize)
        self.chunker = chunker
        self.actor = actor
    }

    /// Called after every committed batch with (records done, records total).
    public typealias Progress = @Sendable (Int, Int) -> Void

    /// Ingests a ticket file (CSV, TSV, JSON array or JSONL).
    public func ingestTickets(path: String, format: RecordFormat? = nil, mapping: FieldMapping = FieldMapping(),
                              progress: Progress? = nil) async throws -> IngestReport {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let file = try RecordReader(path: url.path, format: format).readFile(path: url.path)
        let records = file.records
        let mappingKey = mapping.columns.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ",")
        let hash = ContentHash.sha256(try ContentHash.sha256(fileAt: url) + "|" + mappingKey)
        var validator = TicketValidator(mapping: mapping)
        validator.idPrefix = url.deletingPathExtension().lastPathComponent + ":"
        var seen: [String: Int] = [:]
        var firstLine: [String: Int] = [:]
        var planKeys: [String] = [], plan: [TicketField: String] = [:]
        return try await run(.tickets, source: url.path, hash: hash, inputs: records, notes: file.notes,
                             progress: progress) { result in
            switch result {
            case .failure(let bad):
                return .failure(QuarantinedRecord(source: url.path, line: bad.line, reason: bad.reason, raw: bad.raw))
            case .success(let record):
                let keys = record.fields.keys.sorted()
                if keys != planKeys {
                    plan = mapping.plan(for: keys)
                    planKeys = keys
                }
                return validator.validate(record, plan: plan) { digest in
                    seen[digest, default: 0] += 1
                    return seen[digest]!
                }.flatMap { ticket in
                    // One input, one record per id: a later record with the same id is set aside, not merged.
                    if let line = firstLine[ticket.externalID] {
                        return .failure(InvalidRecord(Self.duplicate("external id", ticket.externalID, at: "line \(line)")))
                    }
                    firstLine[ticket.externalID] = record.line
                    return .success(ticket)
                }.mapError { QuarantinedRecord(source: url.path, line: record.line, reason: $0.description, raw: record.raw) }
            }
        } fill: { batch, tickets in
            batch.tickets = tickets
        }
    }

    /// Ingests knowledge-base articles from a folder of Markdown files or a JSON/JSONL file, chunking each.
    public func ingestKnowledgeBase(path: String, progress: Progress? = nil) async throws -> IngestReport {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let reader = ArticleReader()
        let (articles, notes) = try reader.readAll(path: url.path)
        // The folder's identity is the content of every article file in it, and the chunking settings.
        let files = try Set(articles.map { item -> String in
            switch item {
            case .success(let item): item.article.source ?? ""
            case .failure(let record): record.source
            }
        }).sorted().map { "\($0):\(try ContentHash.sha256(fileAt: URL(fileURLWithPath: $0)))" }
        let hash = ContentHash.sha256(files.joined(separator: "\n")
            + "|chunker \(chunker.maxLength)/\(chunker.minLength)/\(chunker.overlap)")
        var first: [String: (source: String, line: Int)] = [:]
        return try await run(.kb, source: url.path, hash: hash, inputs: articles, notes: notes,
                             progress: progress) { result in
            result.flatMap { item in
                let article = item.article
                if let seen = first[article.externalID] {
                    let place = "line \(seen.line)" + (seen.source == article.source ? "" : " of \(seen.source)")
                    return .failure(QuarantinedRecord(
                        source: article.source ?? url.path, line: item.line,
                        reason: Self.duplicate("article id", article.externalID, at: place), raw: item.raw))
                }
                first[article.externalID] = (article.source ?? url.path, item.line)
                return .success(ChunkedArticle(article: article, chunks: chunker.chunks(of: article.body, title: article.title)))
            }
        } fill: { batch, articles in
            batch.articles = articles
        }
    }

    /// Validates `inputs` in order, batch by batch, committing each batch with the run's new position. The
    /// records an interrupted run already committed are validated (ids derived from content depend on what came
    /// before) but not committed again.
    private func run<Input, Item: Sendable>(
        _ kind: IngestKind, source: String, hash: String, inputs: [Input], notes: [String], progress: Progress?,
        validate: (Input) -> Result<Item, QuarantinedRecord>, fill: (inout IngestBatch, [Item]) -> Void
    ) async throws -> IngestReport {
        let started = Date()
        var run = try await store.beginIngest(kind: kind, source: source, sourceHash: hash)
        let resumedFrom = run.position
        var position = min(run.position, inputs.count)
        for input in inputs[..<position] { _ = validate(input) }
        progress?(position, inputs.count)
        while position < inputs.count {
            let end = min(position + batchSize, inputs.count)
            var batch = IngestBatch(runID: run.id, position: end, read: end - position)
            var good: [Item] = []
            for (index, input) in zip(position..<end, inputs[position..<end]) {
                switch validate(input) {
                case .success(let value): good.append(value)
                case .failure(var record):
                    record.record = index + 1  // the quarantine's key: two bad records on one line stay two
                    batch.quarantined.append(record)
                }
            }
            fill(&batch, good)
            run = try await store.commit(batch)
            position = end
            progress?(position, inputs.count)
        }
        run = try await store.finishIngest(runID: run.id, actor: actor, notes: notes)
        return IngestReport(kind: kind, source: source, runID: run.id, resumedFrom: resumedFrom, counts: run.counts,
                            seconds: Date().timeIntervalSince(started), notes: notes)
    }

    /// The quarantine reason of a record repeating an id read earlier in the same input.
    private static func duplicate(_ what: String, _ id: String, at place: String) -> String {
        "duplicate \(what) '\(id)': a record with this id was already read at \(place); this one is not stored"
    }
}
