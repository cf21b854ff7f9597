import Domain
import Foundation
import PostgresNIO
import Store

/// Ingest runs as on SQLite: each batch in one transaction, a resumed run continues from its position, and a
/// run's row is locked (`FOR UPDATE`) while a batch commits so two writers of one run take turns.
extension PostgresStore: IngestStore {
    public func beginIngest(kind: IngestKind, source: String, sourceHash: String) async throws -> IngestRun {
        try await transaction { connection in
            // One beginner per source at a time: a second one waits and then sees the first one's run.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(source), 0))", logger: logger)
            let interrupted = try await connection.rows("""
                SELECT \(unescaped: Self.runColumns) FROM ingest_runs
                WHERE source = \(source) AND kind = \(kind.rawValue) AND status = 'running' ORDER BY id DESC
                """, logger: logger).map(Self.run)
            if let resumable = interrupted.first(where: { $0.sourceHash == sourceHash }) {
                try await connection.query("UPDATE ingest_runs SET resumed_from = position WHERE id = \(resumable.id)",
                                           logger: logger)
                return try await Self.fetchRun(connection, id: resumable.id, logger: logger)
            }
            // The source changed since the interrupted run: its committed records stay, the run is closed.
            try await connection.query("""
                UPDATE ingest_runs SET status = 'abandoned', finished_at = \(Date())
                WHERE source = \(source) AND kind = \(kind.rawValue) AND status = 'running'
                """, logger: logger)
            // Quarantine describes the latest content of each source (for a folder, its files' entries).
            let folder = source.hasSuffix("/") ? source : source + "/"
            try await connection.query("""
                DELETE FROM quarantine
                WHERE (source = \(source) OR starts_with(source, \(folder))) AND source_hash <> \(sourceHash)
                """, logger: logger)
            let rows = try await connection.rows("""
                INSERT INTO ingest_runs (kind, source, source_hash, status, started_at)
                VALUES (\(kind.rawValue), \(source), \(sourceHash), 'running', \(Date()))
                RETURNING \(unescaped: Self.runColumns)
                """, logger: logger)
            return try Self.run(rows[0])
        }
    }

    public func commit(_ batch: IngestBatch) async throws -> IngestRun {
        try await transaction { connection in
            let locked = try await connection.rows(
                "SELECT \(unescaped: Self.runColumns) FROM ingest_runs WHERE id = \(batch.runID) FOR UPDATE",
                logger: logger)
            guard let row = locked.first else { throw StoreError("no ingest run \(batch.runID)") }
            let run = try Self.run(row)
            guard run.status == .running else {
                throw StoreError("ingest run \(batch.runID) is \(run.status.rawValue), not running")
            }
            var counts = run.counts
            counts.read += batch.read
            let now = Date()
            var keywords: [(id: Int64, document: KeywordPostings.Document)] = []
            for ticket in batch.tickets {
                let (outcome, id) = try await Self.upsert(ticket, connection, now: now, logger: logger)
                counts.add(outcome)
                if outcome != .unchanged { keywords.append((id, KeywordPostings.ticket(ticket))) }
            }
            try await KeywordPostings.writeTickets(keywords, connection, logger: logger)
            for article in batch.articles {
                counts.add(try await Self.upsert(article, connection, now: now, logger: logger))
            }
            for record in batch.quarantined {
                try refuseNUL([record.source, record.reason, record.raw], in: "quarantined record")
                try await connection.query("""
                    INSERT INTO quarantine (run_id, source, source_hash, line, record, reason, raw, created_at)
                    VALUES (\(run.id), \(record.source), \(run.sourceHash), \(record.line), \(record.record),
                            \(record.reason), \(record.raw), \(now))
                    ON CONFLICT (source, source_hash, line, record) DO UPDATE SET
                        reason = excluded.reason, raw = excluded.raw, run_id = excluded.run_id
                    """, logger: logger)
            }
            counts.quarantined += batch.quarantined.count
            let updated = try await connection.rows("""
                UPDATE ingest_runs SET position = \(batch.position), read = \(counts.read), stored = \(counts.stored),
                    updated = \(counts.updated), unchanged = \(counts.unchanged), quarantined = \(counts.quarantined)
                WHERE id = \(run.id)
                RETURNING \(unescaped: Self.runColumns)
                """, logger: logger)
            return try Self.run(updated[0])
        }
    }

    public func finishIngest(runID: Int64, actor: String) async throws -> IngestRun {
        try await finishIngest(runID: runID, actor: actor, notes: [])
    }

    public func finishIngest(runID: Int64, actor: String, notes: [String]) async throws -> IngestRun {
        try await transaction { connection in
            let rows = try await connection.rows("""
                UPDATE ingest_runs SET status = 'completed', finished_at = \(Date()) WHERE id = \(runID)
                RETURNING \(unescaped: Self.runColumns)
                """, logger: logger)
            guard let row = rows.first else { throw StoreError("no ingest run \(runID)") }
            let run = try Self.run(row)
            let c = run.counts
            try await Self.insertAudit(AuditEvent(
                actor: actor, action: "ingest.\(run.kind.rawValue)", target: run.source,
                details: "run \(run.id): read \(c.read), stored \(c.stored), updated \(c.updated), "
                    + "unchanged \(c.unchanged), quarantined \(c.quarantined)"
                    + (notes.isEmpty ? "" : "; notes: " + notes.joined(separator: "; "))), connection, logger: logger)
            return run
        }
    }

    public func quarantined(source: String?, limit: Int) async throws -> [QuarantinedRecord] {
        let query: PostgresQuery = if let source {
            "SELECT source, line, record, reason, raw FROM quarantine WHERE source = \(source) ORDER BY line, record LIMIT \(limit)"
        } else {
            "SELECT source, line, record, reason, raw FROM quarantine ORDER BY id DESC LIMIT \(limit)"
        }
        var records: [QuarantinedRecord] = []
        let rows = try await client.query(query, logger: logger)
        for try await (source, line, record, reason, raw) in rows.decode((String, Int, Int, String, String).self) {
            records.append(QuarantinedRecord(source: source, line: line, record: record, reason: reason, raw: raw))
        }
        return records
    }

    public func ingestRuns(limit: Int) async throws -> [IngestRun] {
        try await client.withConnection { connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.runColumns) FROM ingest_runs ORDER BY id DESC LIMIT \(limit)", logger: logger
            ).map(Self.run)
        }
    }

    // MARK: Upserts

    /// Inserts or updates one ticket by external id; an identical one is left alone. Returns the ticket's row id
    /// (the caller writes its keyword postings when it changed).
    static func upsert(_ ticket: Ticket, _ connection: PostgresConnection, now: Date, logger: Logger) async throws
        -> (outcome: UpsertOutcome, id: Int64)
    {
        try refuseNUL([ticket.externalID, ticket.subject, ticket.body, ticket.customer, ticket.channel, ticket.language,
                       ticket.category, ticket.resolution] + ticket.extra.flatMap { [$0.key, $0.value] },
                      in: "ticket")
        let hash = ticket.contentHash
        let existing = try await connection.rows(
            "SELECT id, content_hash FROM tickets WHERE external_id = \(ticket.externalID) FOR UPDATE", logger: logger
        ).first.map { try $0.decode((Int64, String).self) }
        if let existing, existing.1 == hash { return (.unchanged, existing.0) }
        let extra = String(decoding: try JSONEncoder.sorted.encode(ticket.extra), as: UTF8.self)
        let stored = try await connection.rows("""
            INSERT INTO tickets (external_id, subject, body, customer, channel, language, category, priority, status,
                                 created_at, resolved_at, resolution, extra, content_hash, ingested_at, updated_at)
            VALUES (\(ticket.externalID), \(ticket.subject), \(ticket.body), \(ticket.customer), \(ticket.channel),
                    \(ticket.language), \(ticket.category), \(ticket.priority?.rawValue), \(ticket.status?.rawValue),
                    \(ticket.createdAt), \(ticket.resolvedAt), \(ticket.resolution), \(extra), \(hash), \(now), \(now))
            ON CONFLICT (external_id) DO UPDATE SET
                subject = excluded.subject, body = excluded.body, customer = excluded.customer,
                channel = excluded.channel, language = excluded.language, category = excluded.category,
                priority = excluded.priority, status = excluded.status, created_at = excluded.created_at,
                resolved_at = excluded.resolved_at, resolution = excluded.resolution, extra = excluded.extra,
                content_hash = excluded.content_hash, updated_at = excluded.updated_at
            RETURNING id
            """, logger: logger)
        return (existing == nil ? .stored : .updated, try stored[0].decode(Int64.self))
    }

    /// Inserts or updates one article by external id (a new version, its chunks replaced); an identical one is
    /// left alone.
    static func upsert(_ item: ChunkedArticle, _ connection: PostgresConnection, now: Date, logger: Logger) async throws
        -> UpsertOutcome
    {
        let article = item.article
        try refuseNUL([article.externalID, article.title, article.body, article.category, article.source]
                      + article.tags + item.chunks.flatMap { [$0.heading, $0.text] }, in: "article")
        let hash = article.contentHash
        let existing = try await connection.rows(
            "SELECT id, content_hash FROM articles WHERE external_id = \(article.externalID) FOR UPDATE",
            logger: logger
        ).first.map { try $0.decode((Int64, String).self) }
        if let existing, existing.1 == hash { return .unchanged }
        let tags = String(decoding: try JSONEncoder.sorted.encode(article.tags), as: UTF8.self)
        let articleID: Int64
        if let existing {
            articleID = existing.0
            try await connection.query("""
                UPDATE articles SET title = \(article.title), body = \(article.body), category = \(article.category),
                    tags = \(tags), updated_at = \(article.updatedAt), source = \(article.source),
                    content_hash = \(hash), version = version + 1, ingested_at = \(now)
                WHERE id = \(articleID)
                """, logger: logger)
            try await connection.query("DELETE FROM chunks WHERE article_id = \(articleID)", logger: logger)
        } else {
            let inserted = try await connection.rows("""
                INSERT INTO articles (external_id, title, body, category, tags, updated_at, source, content_hash,
                                      ingested_at)
                VALUES (\(article.externalID), \(article.title), \(article.body), \(article.category), \(tags),
                        \(article.updatedAt), \(article.source), \(hash), \(now))
                RETURNING id
                """, logger: logger)
            articleID = try inserted[0].decode(Int64.self)
        }
        if !item.chunks.isEmpty {
            // One statement for all chunks: arrays bound as parameters, unnested in order.
            let inserted = try await connection.rows("""
                INSERT INTO chunks (article_id, ordinal, heading, text, start_offset, end_offset)
                SELECT \(articleID), * FROM unnest(\(item.chunks.map(\.ordinal))::integer[],
                    \(item.chunks.map(\.heading))::text[], \(item.chunks.map(\.text))::text[],
                    \(item.chunks.map(\.start))::integer[], \(item.chunks.map(\.end))::integer[])
                RETURNING id, ordinal
                """, logger: logger)
            // Their keyword postings (an edited article's old chunks took theirs with them).
            let byOrdinal = Dictionary(item.chunks.map { ($0.ordinal, $0) }, uniquingKeysWith: { first, _ in first })
            let documents = try inserted.map { row in
                let (id, ordinal) = try row.decode((Int64, Int).self)
                return (id: id, document: KeywordPostings.chunk(byOrdinal[ordinal]!))
            }
            try await KeywordPostings.writeChunks(documents, connection, logger: logger)
        }
        return existing == nil ? .stored : .updated
    }

    // MARK: Row mapping

    static let runColumns = """
        id, kind, source, source_hash, status, position, resumed_from, read, stored, updated, unchanged, quarantined, \
        started_at, finished_at
        """

    static func run(_ row: PostgresRow) throws -> IngestRun {
        let (id, kind, source, sourceHash, status, position, resumedFrom, read, stored, updated, unchanged,
             quarantined, startedAt, finishedAt) = try row.decode(
                (Int64, String, String, String, String, Int, Int, Int, Int, Int, Int, Int, Date, Date?).self)
        return IngestRun(
            id: id, kind: IngestKind(rawValue: kind) ?? .tickets, source: source, sourceHash: sourceHash,
            status: IngestStatus(rawValue: status) ?? .abandoned, position: position, resumedFrom: resumedFrom,
            counts: IngestCounts(read: read, stored: stored, updated: updated, unchanged: unchanged,
                                 quarantined: quarantined),
            startedAt: startedAt, finishedAt: finishedAt)
    }

    static func fetchRun(_ connection: PostgresConnection, id: Int64, logger: Logger) async throws -> IngestRun {
        let rows = try await connection.rows(
            "SELECT \(unescaped: runColumns) FROM ingest_runs WHERE id = \(id)", logger: logger)
        guard let row = rows.first else { throw StoreError("no ingest run \(id)") }
        return try run(row)
    }
}

/// What an upsert did to one record.
enum UpsertOutcome { case stored, updated, unchanged }

extension IngestCounts {
    mutating func add(_ outcome: UpsertOutcome) {
        switch outcome {
        case .stored: stored += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        }
    }
}
