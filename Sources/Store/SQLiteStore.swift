import Domain
import Foundation
import GRDB

/// The embedded store: one SQLite file (WAL mode, FTS5) through GRDB.
public final class SQLiteStore: StoreBackend {
    let pool: DatabasePool
    /// The vectors `nearest` searches, held in memory and kept current from the change feed.
    let nearestIndexes = NearestIndexes()

    /// Opens (creating if needed) the database at `path` and applies pending migrations. `maxPageCount` caps the
    /// file's size in pages (SQLite's `max_page_count`: a quota, or a full disk on demand in tests).
    public init(path: String, maxPageCount: Int? = nil) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let maxPageCount { try db.execute(sql: "PRAGMA max_page_count = \(maxPageCount)") }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteSchema.migrator.migrate(pool)
    }

    /// The names of the schema migrations this build knows, oldest first.
    public static var migrationNames: [String] { SQLiteSchema.migrator.migrations }

    /// Opens (creating) the store at `path`, which applies its pending migrations, and returns the names of those
    /// this call applied.
    public static func migrate(path: String) throws -> [String] {
        let before = FileManager.default.fileExists(atPath: path)
            ? try DatabaseQueue(path: path).read { try SQLiteSchema.migrator.appliedMigrations($0) } : []
        let store = try SQLiteStore(path: path)
        return try store.pool.read { try SQLiteSchema.migrator.appliedMigrations($0) }.filter { !before.contains($0) }
    }

    /// The store of an instance home: `<home>/store.sqlite`.
    public convenience init(home: URL) throws {
        try self.init(path: home.appendingPathComponent("store.sqlite").path)
    }

    // MARK: Ingest

    public func beginIngest(kind: IngestKind, source: String, sourceHash: String) async throws -> IngestRun {
        try await pool.write { db in
            let interrupted = try Row.fetchAll(db, sql: """
                SELECT * FROM ingest_runs WHERE source = ? AND kind = ? AND status = 'running' ORDER BY id DESC
                """, arguments: [source, kind.rawValue]).map(Self.run)
            if let resumable = interrupted.first(where: { $0.sourceHash == sourceHash }) {
                try db.execute(sql: "UPDATE ingest_runs SET resumed_from = position WHERE id = ?",
                               arguments: [resumable.id])
                return try Self.fetchRun(db, id: resumable.id)
            }
            // The source changed since the interrupted run: its committed records stay, the run is closed.
            try db.execute(sql: """
                UPDATE ingest_runs SET status = 'abandoned', finished_at = ? WHERE source = ? AND kind = ? AND status = 'running'
                """, arguments: [Date(), source, kind.rawValue])
            // Quarantine describes the latest content of each source: problems of older content are gone with it.
            // (For a folder, its files' entries.)
            let folder = source.hasSuffix("/") ? source : source + "/"
            try db.execute(sql: """
                DELETE FROM quarantine WHERE (source = ? OR substr(source, 1, ?) = ?) AND source_hash != ?
                """, arguments: [source, folder.unicodeScalars.count, folder, sourceHash])
            try db.execute(sql: """
                INSERT INTO ingest_runs (kind, source, source_hash, status, started_at) VALUES (?, ?, ?, 'running', ?)
                """, arguments: [kind.rawValue, source, sourceHash, Date()])
            return try Self.fetchRun(db, id: db.lastInsertedRowID)
        }
    }

    public func commit(_ batch: IngestBatch) async throws -> IngestRun {
        try await pool.write { db in
            let run = try Self.fetchRun(db, id: batch.runID)
            guard run.status == .running else {
                throw StoreError("ingest run \(batch.runID) is \(run.status.rawValue), not running")
            }
            var counts = run.counts
            counts.read += batch.read
            let now = Date()
            for ticket in batch.tickets {
                counts.add(try Self.upsert(ticket, db: db, now: now))
            }
            for article in batch.articles {
                counts.add(try Self.upsert(article, db: db, now: now))
            }
            for record in batch.quarantined {
                try db.cachedStatement(sql: """
                    INSERT INTO quarantine (run_id, source, source_hash, line, record, reason, raw, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source, source_hash, line, record) DO UPDATE SET
                        reason = excluded.reason, raw = excluded.raw, run_id = excluded.run_id
                    """).execute(arguments: [run.id, record.source, run.sourceHash, record.line, record.record,
                                             record.reason, record.raw, now])
            }
            counts.quarantined += batch.quarantined.count
            try db.execute(sql: """
                UPDATE ingest_runs SET position = ?, read = ?, stored = ?, updated = ?, unchanged = ?, quarantined = ?
                WHERE id = ?
                """, arguments: [batch.position, counts.read, counts.stored, counts.updated, counts.unchanged,
                                 counts.quarantined, run.id])
            return try Self.fetchRun(db, id: run.id)
        }
    }

    public func finishIngest(runID: Int64, actor: String) async throws -> IngestRun {
        try await finishIngest(runID: runID, actor: actor, notes: [])
    }

    public func finishIngest(runID: Int64, actor: String, notes: [String]) async throws -> IngestRun {
        try await pool.write { db in
            try db.execute(sql: "UPDATE ingest_runs SET status = 'completed', finished_at = ? WHERE id = ?",
                           arguments: [Date(), runID])
            let run = try Self.fetchRun(db, id: runID)
            let c = run.counts
            try Self.insertAudit(AuditEvent(
                actor: actor, action: "ingest.\(run.kind.rawValue)", target: run.source,
                details: "run \(run.id): read \(c.read), stored \(c.stored), updated \(c.updated), "
                    + "unchanged \(c.unchanged), quarantined \(c.quarantined)"
                    + (notes.isEmpty ? "" : "; notes: " + notes.joined(separator: "; "))), db: db)
            return run
        }
    }

    static func upsert(_ ticket: Ticket, db: Database, now: Date) throws -> UpsertOutcome {
        try refuseNUL([ticket.externalID, ticket.subject, ticket.body, ticket.customer, ticket.channel, ticket.language,
                       ticket.category, ticket.resolution] + ticket.extra.flatMap { [$0.key, $0.value] },
                      in: "ticket")
        let hash = ticket.contentHash
        let existing = try String.fetchOne(
            db.cachedStatement(sql: "SELECT content_hash FROM tickets WHERE external_id = ?"),
            arguments: [ticket.externalID])
        if existing == hash { return .unchanged }
        let extra = String(decoding: try JSONEncoder.sorted.encode(ticket.extra), as: UTF8.self)
        let values: StatementArguments = [
            ticket.externalID, ticket.subject, ticket.body, ticket.customer, ticket.channel, ticket.language,
            ticket.category, ticket.priority?.rawValue, ticket.status?.rawValue, ticket.createdAt, ticket.resolvedAt,
            ticket.resolution, extra, hash, now, now,
        ]
        try db.cachedStatement(sql: """
            INSERT INTO tickets (external_id, subject, body, customer, channel, language, category, priority, status,
                                 created_at, resolved_at, resolution, extra, content_hash, ingested_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (external_id) DO UPDATE SET
                subject = excluded.subject, body = excluded.body, customer = excluded.customer,
                channel = excluded.channel, language = excluded.language, category = excluded.category,
                priority = excluded.priority, status = excluded.status, created_at = excluded.created_at,
                resolved_at = excluded.resolved_at, resolution = excluded.resolution, extra = excluded.extra,
                content_hash = excluded.content_hash, updated_at = excluded.updated_at
            """).execute(arguments: values)
        return existing == nil ? .stored : .updated
    }

    private static func upsert(_ item: ChunkedArticle, db: Database, now: Date) throws -> UpsertOutcome {
        let article = item.article
        try refuseNUL([article.externalID, article.title, article.body, article.category] + article.tags, in: "article")
        let hash = article.contentHash
        let existing = try Row.fetchOne(db, sql: "SELECT id, content_hash FROM articles WHERE external_id = ?",
                                        arguments: [article.externalID])
        if let existing, existing["content_hash"] == hash { return .unchanged }
        let tags = String(decoding: try JSONEncoder.sorted.encode(article.tags), as: UTF8.self)
        let articleID: Int64
        if let existing {
            articleID = existing["id"]
            try db.execute(sql: """
                UPDATE articles SET title = ?, body = ?, category = ?, tags = ?, updated_at = ?, source = ?,
                    content_hash = ?, version = version + 1, ingested_at = ?
                WHERE id = ?
                """, arguments: [article.title, article.body, article.category, tags, article.updatedAt,
                                 article.source, hash, now, articleID])
            try db.execute(sql: "DELETE FROM chunks WHERE article_id = ?", arguments: [articleID])
        } else {
            try db.execute(sql: """
                INSERT INTO articles (external_id, title, body, category, tags, updated_at, source, content_hash,
                                      ingested_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [article.externalID, article.title, article.body, article.category, tags,
                                 article.updatedAt, article.source, hash, now])
            articleID = db.lastInsertedRowID
        }
        for chunk in item.chunks {
            try db.execute(sql: """
                INSERT INTO chunks (article_id, ordinal, heading, text, start_offset, end_offset)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [articleID, chunk.ordinal, chunk.heading, chunk.text, chunk.start, chunk.end])
        }
        return existing == nil ? .stored : .updated
    }

    // MARK: Reads

    public func ticket(externalID: String) async throws -> Ticket? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tickets WHERE external_id = ?", arguments: [externalID])
                .map(Self.ticket)
        }
    }

    public func article(externalID: String) async throws -> StoredArticle? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM articles WHERE external_id = ?", arguments: [externalID])
                .map { row in StoredArticle(article: try Self.article(row), version: row["version"]) }
        }
    }

    public func chunks(articleExternalID: String) async throws -> [Chunk] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.* FROM chunks c JOIN articles a ON a.id = c.article_id
                WHERE a.external_id = ? ORDER BY c.ordinal
                """, arguments: [articleExternalID]).map(Self.chunk)
        }
    }

    public func searchChunks(_ query: String, limit: Int, category: String?) async throws -> [ChunkHit] {
        guard let match = FTSQuery.match(for: query), limit > 0 else { return [] }
        return try await pool.read { db in
            var sql = """
                SELECT c.*, a.external_id AS article_external_id, a.title AS article_title,
                       a.category AS article_category, bm25(chunks_fts, 0.5, 1.0) AS rank
                FROM chunks_fts
                JOIN chunks c ON c.id = chunks_fts.rowid
                JOIN articles a ON a.id = c.article_id
                WHERE chunks_fts MATCH ?
                """
            var arguments: StatementArguments = [match]
            if let category {
                sql += " AND a.category = ?"
                arguments += [category]
            }
            sql += " ORDER BY rank LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                Self.hit(row, score: -(row["rank"] as Double))
            }
        }
    }

    public func itemsNeedingEmbedding(_ kind: EmbeddedKind, model: String, limit: Int) async throws
        -> [(id: Int64, text: String)] {
        let sql = switch kind {
        case .chunk: """
            SELECT c.id, c.heading || char(10) || c.text AS text FROM chunks c
            LEFT JOIN chunk_embeddings e ON e.chunk_id = c.id AND e.model = ?
            WHERE e.chunk_id IS NULL ORDER BY c.id LIMIT ?
            """
        case .ticket: """
            SELECT t.id, coalesce(t.subject || char(10), '') || t.body AS text FROM tickets t
            LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model = ?
            WHERE e.ticket_id IS NULL ORDER BY t.id LIMIT ?
            """
        }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [model, limit]).map { row in (row["id"], row["text"]) }
        }
    }

    public func saveEmbeddings(_ kind: EmbeddedKind, _ vectors: [(id: Int64, vector: [Float])], model: String)
        async throws {
        let (table, key) = kind == .chunk ? ("chunk_embeddings", "chunk_id") : ("ticket_embeddings", "ticket_id")
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO \(table) (\(key), model, vector) VALUES (?, ?, ?)
                ON CONFLICT (\(key), model) DO UPDATE SET vector = excluded.vector
                """)
            for (id, vector) in vectors {
                try statement.execute(arguments: [id, model, VectorCoding.data(vector)])
            }
        }
    }

    public func vectors(_ kind: EmbeddedKind, model: String) async throws -> [StoredVector] {
        try await pool.read { db in try Self.storedVectors(db, kind, model: model, ids: nil) }
    }

    /// Vectors of `model` with what search filters need, of every item or of these items (in batches).
    static func storedVectors(_ db: Database, _ kind: EmbeddedKind, model: String, ids: [Int64]?) throws -> [StoredVector] {
        let select = switch kind {
        case .chunk: """
            SELECT e.chunk_id AS id, e.vector, a.category, 0 AS resolved FROM chunk_embeddings e
            JOIN chunks c ON c.id = e.chunk_id JOIN articles a ON a.id = c.article_id
            WHERE e.model = ?
            """
        case .ticket: """
            SELECT e.ticket_id AS id, e.vector, t.category, COALESCE(t.status IN ('resolved', 'closed'), 0) AS resolved
            FROM ticket_embeddings e JOIN tickets t ON t.id = e.ticket_id
            WHERE e.model = ?
            """
        }
        let key = kind == .chunk ? "e.chunk_id" : "e.ticket_id"
        func fetch(_ sql: String, _ arguments: StatementArguments) throws -> [StoredVector] {
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                StoredVector(id: row["id"], category: row["category"], resolved: row["resolved"],
                             vector: VectorCoding.vector(row["vector"]))
            }
        }
        guard let ids else { return try fetch(select + " ORDER BY \(key)", [model]) }
        var found: [StoredVector] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = Array(ids[start ..< min(start + 500, ids.count)])
            let marks = Array(repeating: "?", count: batch.count).joined(separator: ", ")
            found += try fetch(select + " AND \(key) IN (\(marks))", StatementArguments([model]) + StatementArguments(batch))
        }
        return found
    }

    public func ticketWithVector(externalID: String, model: String) async throws -> (ticket: Ticket, vector: [Float]?)? {
        try await pool.read { db in
            // Cached: preparing the statement cost more than running it (a hot path of the server's triage).
            try Row.fetchOne(try db.cachedStatement(sql: """
                SELECT t.*, e.vector AS embedding FROM tickets t
                LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model = ?
                WHERE t.external_id = ?
                """), arguments: [model, externalID]).map { row in
                (try Self.ticket(row), (row["embedding"] as Data?).map(VectorCoding.vector))
            }
        }
    }

    public func searchTickets(_ query: String, limit: Int, resolvedOnly: Bool) async throws -> [TicketHit] {
        guard let match = FTSQuery.match(for: query), limit > 0 else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.*, bm25(tickets_fts, 1.0, 1.0, 0.5) AS rank FROM tickets_fts
                JOIN tickets t ON t.id = tickets_fts.rowid
                WHERE tickets_fts MATCH ? \(resolvedOnly ? "AND t.status IN ('resolved', 'closed')" : "")
                ORDER BY rank LIMIT ?
                """, arguments: [match, limit]).map { row in
                TicketHit(ticketID: row["id"], ticket: try Self.ticket(row), score: -(row["rank"] as Double))
            }
        }
    }

    public func ticketHits(ids: [Int64]) async throws -> [Int64: TicketHit] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM tickets WHERE id IN (\(placeholders))",
                                        arguments: StatementArguments(ids))
            return Dictionary(uniqueKeysWithValues: try rows.map { row in
                (row["id"], TicketHit(ticketID: row["id"], ticket: try Self.ticket(row), score: 0))
            })
        }
    }

    public func indexableChunks() async throws -> [(id: Int64, category: String?, text: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, a.category, c.heading || char(10) || c.text AS text
                FROM chunks c JOIN articles a ON a.id = c.article_id ORDER BY c.id
                """).map { row in (row["id"], row["category"], row["text"]) }
        }
    }

    public func chunkHits(ids: [Int64]) async throws -> [Int64: ChunkHit] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.*, a.external_id AS article_external_id, a.title AS article_title,
                       a.category AS article_category
                FROM chunks c JOIN articles a ON a.id = c.article_id WHERE c.id IN (\(placeholders))
                """, arguments: StatementArguments(ids))
            return Dictionary(uniqueKeysWithValues: rows.map { row in (row["id"], Self.hit(row, score: 0)) })
        }
    }

    public func ticketsAwaitingTriage(modelVersion: String, limit: Int) async throws -> [Ticket] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.* FROM tickets t
                WHERE NOT EXISTS (SELECT 1 FROM predictions p WHERE p.ticket_id = t.id AND p.model_version = ?)
                ORDER BY t.created_at, t.id LIMIT ?
                """, arguments: [modelVersion, limit]).map(Self.ticket)
        }
    }

    public func savePredictions(_ predictions: [StoredPrediction]) async throws {
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO predictions (ticket_id, model_version, category, queue, suggested_category, confidence,
                                         abstained, priority, details, created_at)
                SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM tickets WHERE external_id = ?
                """)
            for p in predictions {
                try statement.execute(arguments: [p.modelVersion, p.category, p.queue, p.suggestedCategory,
                                                  p.confidence, p.abstained, p.priority?.rawValue, p.details,
                                                  p.createdAt, p.ticketExternalID])
                guard db.changesCount == 1 else { throw StoreError("no ticket \(p.ticketExternalID)") }
            }
        }
    }

    public func saveDraft(_ draft: StoredDraft) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO drafts (id, ticket_external_id, kind, answer_id, model, prompt_version, text, grounded,
                                    fallback_reason, details, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [draft.id, draft.ticketExternalID, draft.kind, draft.answerID, draft.model, draft.promptVersion,
                                 draft.text, draft.grounded, draft.fallbackReason, draft.details, draft.createdAt])
        }
    }

    public func drafts(ticketExternalID: String, limit: Int) async throws -> [StoredDraft] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM drafts WHERE ticket_external_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?
                """, arguments: [ticketExternalID, limit]).map(Self.storedDraft)
        }
    }

    public func predictions(ticketExternalID: String) async throws -> [StoredPrediction] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.* FROM predictions p JOIN tickets t ON t.id = p.ticket_id
                WHERE t.external_id = ? ORDER BY p.created_at DESC, p.id DESC
                """, arguments: [ticketExternalID]).map { row in
                StoredPrediction(
                    ticketExternalID: ticketExternalID, modelVersion: row["model_version"], category: row["category"],
                    queue: row["queue"], suggestedCategory: row["suggested_category"], confidence: row["confidence"],
                    abstained: row["abstained"], priority: (row["priority"] as String?).flatMap(Priority.init(rawValue:)),
                    details: row["details"], createdAt: row["created_at"])
            }
        }
    }

    public func quarantined(source: String?, limit: Int) async throws -> [QuarantinedRecord] {
        try await pool.read { db in
            let rows: [Row]
            if let source {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM quarantine WHERE source = ? ORDER BY line, record LIMIT ?",
                                        arguments: [source, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM quarantine ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return rows.map { row in
                QuarantinedRecord(source: row["source"], line: row["line"], record: row["record"], reason: row["reason"],
                                  raw: row["raw"])
            }
        }
    }

    public func ingestRuns(limit: Int) async throws -> [IngestRun] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ingest_runs ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.run)
        }
    }

    public func counts() async throws -> StoreCounts {
        try await pool.read { db in
            func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
            return StoreCounts(tickets: try count("tickets"), articles: try count("articles"),
                               chunks: try count("chunks"), quarantined: try count("quarantine"),
                               ingestRuns: try count("ingest_runs"))
        }
    }

    // MARK: Audit

    public func appendAudit(_ event: AuditEvent) async throws {
        try await pool.write { db in try Self.insertAudit(event, db: db) }
    }

    public func auditLog(limit: Int) async throws -> [AuditEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map { row in
                AuditEvent(at: row["at"], actor: row["actor"], action: row["action"], target: row["target"],
                           details: row["details"])
            }
        }
    }

    static func storedDraft(_ row: Row) -> StoredDraft {
        StoredDraft(id: row["id"], ticketExternalID: row["ticket_external_id"], kind: row["kind"], answerID: row["answer_id"],
                    model: row["model"],
                    promptVersion: row["prompt_version"], text: row["text"], grounded: row["grounded"],
                    fallbackReason: row["fallback_reason"], details: row["details"], createdAt: row["created_at"])
    }

    static func insertAudit(_ event: AuditEvent, db: Database) throws {
        try db.execute(sql: "INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
                       arguments: [event.at, event.actor, event.action, event.target, event.details])
    }

    // MARK: Row mapping

    private static func fetchRun(_ db: Database, id: Int64) throws -> IngestRun {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ingest_runs WHERE id = ?", arguments: [id]) else {
            throw StoreError("no ingest run \(id)")
        }
        return run(row)
    }

    private static func run(_ row: Row) -> IngestRun {
        IngestRun(
            id: row["id"], kind: IngestKind(rawValue: row["kind"]) ?? .tickets, source: row["source"],
            sourceHash: row["source_hash"], status: IngestStatus(rawValue: row["status"]) ?? .abandoned,
            position: row["position"], resumedFrom: row["resumed_from"],
            counts: IngestCounts(read: row["read"], stored: row["stored"], updated: row["updated"],
                                 unchanged: row["unchanged"], quarantined: row["quarantined"]),
            startedAt: row["started_at"], finishedAt: row["finished_at"])
    }

    static func ticket(_ row: Row) throws -> Ticket {
        let extra: String = row["extra"]
        return Ticket(
            externalID: row["external_id"], subject: row["subject"], body: row["body"], customer: row["customer"],
            channel: row["channel"], language: row["language"], category: row["category"],
            priority: (row["priority"] as String?).flatMap(Priority.init(rawValue:)),
            status: (row["status"] as String?).flatMap(TicketStatus.init(rawValue:)),
            createdAt: row["created_at"], resolvedAt: row["resolved_at"], resolution: row["resolution"],
            extra: try JSONDecoder().decode([String: String].self, from: Data(extra.utf8)))
    }

    private static func article(_ row: Row) throws -> Article {
        let tags: String = row["tags"]
        return Article(
            externalID: row["external_id"], title: row["title"], body: row["body"], category: row["category"],
            tags: try JSONDecoder().decode([String].self, from: Data(tags.utf8)), updatedAt: row["updated_at"],
            source: row["source"])
    }

    private static func hit(_ row: Row, score: Double) -> ChunkHit {
        ChunkHit(chunkID: row["id"], articleID: row["article_external_id"], articleTitle: row["article_title"],
                 category: row["article_category"], chunk: chunk(row), score: score)
    }

    private static func chunk(_ row: Row) -> Chunk {
        Chunk(ordinal: row["ordinal"], heading: row["heading"], text: row["text"], start: row["start_offset"],
              end: row["end_offset"])
    }
}

enum UpsertOutcome { case stored, updated, unchanged }

/// SQLite would store text only up to a NUL character: a value holding one is refused rather than cut.
private func refuseNUL(_ values: [String?], in what: String) throws {
    if values.contains(where: { $0?.containsNUL == true }) {
        throw StoreError("a \(what) field contains a NUL character (U+0000); it would be stored cut short", code: .invalid)
    }
}

extension IngestCounts {
    fileprivate mutating func add(_ outcome: UpsertOutcome) {
        switch outcome {
        case .stored: stored += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        }
    }
}

/// An error of the store, with a message for people.
public struct StoreError: Error, CustomStringConvertible {
    /// What kind of failure, for callers that answer differently (an API's 404 vs 409 vs 422).
    public enum Code: String, Sendable {
        case notFound
        /// The change conflicts with the stored state (a stale version, an impossible move).
        case conflict
        /// The request itself is not acceptable.
        case invalid
        /// The store cannot take the write: its disk (or quota) is full.
        case full
        /// The store cannot be read or written: an I/O error, a read-only or missing file.
        case unavailable
    }

    public let description: String
    public let code: Code
    public init(_ description: String, code: Code = .conflict) {
        self.description = description
        self.code = code
    }
}

/// A backend's own error that can say, as a `StoreError`, what went wrong (PostgreSQL's errors describe
/// themselves generically on purpose, so that a log never shows a query's data by accident).
public protocol StoreFailureConvertible: Error {
    var storeError: StoreError { get }
}

extension StoreError {
    /// The store's own failure — a full disk, an I/O error, a read-only file — as a `StoreError` (`.full`,
    /// `.unavailable`) that says so; nil for any other error.
    public static func storageFailure(_ error: any Error) -> StoreError? {
        if let error = error as? StoreError { return [.full, .unavailable].contains(error.code) ? error : nil }
        if let error = error as? any StoreFailureConvertible { return storageFailure(error.storeError) }
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL:
            return StoreError("the store's disk is full: nothing was saved (free space where the store lives)", code: .full)
        case .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreError("the store cannot be read or written (\(error.resultCode)): nothing was saved", code: .unavailable)
        default:
            return nil
        }
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys, so equal values encode to equal text.
    public static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    /// `sorted` with ISO 8601 dates: how the stores write JSON details (calibrations, search settings).
    public static var storeDetails: JSONEncoder {
        let encoder = JSONEncoder.sorted
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    /// Reads what `JSONEncoder.storeDetails` wrote.
    public static var storeDetails: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
