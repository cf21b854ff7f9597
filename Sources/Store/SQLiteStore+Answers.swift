import Domain
import Foundation
import GRDB

extension SQLiteStore {
    public func saveMinedAnswers(_ groups: [NewAnswer], calibration: AnswerCalibration, actor: String) async throws -> MinedAnswersSummary {
        try await pool.write { db in
            var summary = MinedAnswersSummary(created: 0, extended: 0, skippedRetired: 0)
            let now = Date()
            for group in groups {
                // The saved answer most of this group's tickets already belong to, if any.
                let ticketIDs = group.examples.compactMap(\.ticketExternalID)
                var owner: (id: String, status: String)?
                if !ticketIDs.isEmpty {
                    let marks = Array(repeating: "?", count: ticketIDs.count).joined(separator: ",")
                    if let row = try Row.fetchOne(db, sql: """
                        SELECT a.id, a.status, COUNT(*) AS shared FROM answer_examples e JOIN answers a ON a.id = e.answer_id
                        WHERE e.ticket_external_id IN (\(marks)) GROUP BY a.id ORDER BY shared DESC, a.created_at LIMIT 1
                        """, arguments: StatementArguments(ticketIDs)), 2 * (row["shared"] as Int) >= ticketIDs.count {
                        owner = (row["id"], row["status"])
                    }
                }
                if let owner {
                    guard owner.status != AnswerStatus.retired.rawValue else {
                        summary.skippedRetired += 1
                        continue
                    }
                    let added = try Self.insertExamples(group.examples, answerID: owner.id, db: db)
                    if added > 0 { summary.extended += 1 }
                } else {
                    _ = try Self.insertAnswer(group, origin: .mined, actor: actor, now: now, db: db)
                    summary.created += 1
                }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO answer_calibration (id, details) VALUES (1, ?)",
                           arguments: [String(decoding: try JSONEncoder.storeDetails.encode(calibration), as: UTF8.self)])
            try Self.insertAudit(AuditEvent(
                actor: actor, action: "answers.mine", target: "library",
                details: "\(groups.count) groups from \(calibration.resolutions) resolutions: \(summary.created) new candidates, "
                    + "\(summary.extended) answers extended; threshold \(String(format: "%.3f", calibration.threshold))"), db: db)
            return summary
        }
    }

    public func proposeAnswer(_ answer: NewAnswer, origin: AnswerOrigin, actor: String) async throws -> LibraryAnswer {
        let id = try await pool.write { db in try Self.insertAnswer(answer, origin: origin, actor: actor, now: Date(), db: db) }
        guard let saved = try await self.answer(id: id) else { throw StoreError("answer \(id) vanished", code: .notFound) }
        return saved
    }

    public func answers(status: AnswerStatus?) async throws -> [LibraryAnswer] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.answerQuery(where: status == nil ? "" : "WHERE a.status = ?")
                + " ORDER BY drafts DESC, a.created_at, a.id",
                arguments: status.map { [$0.rawValue] } ?? []).map(Self.libraryAnswer)
        }
    }

    public func answer(id: String) async throws -> LibraryAnswer? {
        try await pool.read { db in try Self.fetchAnswer(id, db: db) }
    }

    public func editAnswer(id: String, title: String, body: String, expectedVersion: Int, actor: String) async throws -> LibraryAnswer {
        try await pool.write { db in
            guard let current = try Self.fetchAnswer(id, db: db) else { throw StoreError("no answer \(id)", code: .notFound) }
            guard current.version == expectedVersion else {
                throw StoreError("answer \(id) is at version \(current.version), not \(expectedVersion): someone edited it meanwhile",
                                 code: .conflict)
            }
            try db.execute(sql: "UPDATE answers SET title = ?, body = ?, version = version + 1, updated_at = ? WHERE id = ?",
                           arguments: [title, body, Date(), id])
            try Self.insertAudit(AuditEvent(actor: actor, action: "answer.edit", target: id,
                                            details: "version \(expectedVersion) → \(expectedVersion + 1)"), db: db)
            return try Self.fetchAnswer(id, db: db)!
        }
    }

    public func setAnswerStatus(id: String, to status: AnswerStatus, actor: String, reason: String?) async throws -> LibraryAnswer {
        try await pool.write { db in
            guard let current = try Self.fetchAnswer(id, db: db) else { throw StoreError("no answer \(id)", code: .notFound) }
            guard current.status != status else { return current }
            try db.execute(sql: "UPDATE answers SET status = ?, reviewed_by = ?, updated_at = ? WHERE id = ?",
                           arguments: [status.rawValue, actor, Date(), id])
            let action = switch status {
            case .approved: "answer.approve"
            case .retired: "answer.retire"
            case .candidate: "answer.reopen"
            }
            try Self.insertAudit(AuditEvent(actor: actor, action: action, target: id,
                                            details: "\(current.status.rawValue) → \(status.rawValue)" + (reason.map { ": \($0)" } ?? "")), db: db)
            return try Self.fetchAnswer(id, db: db)!
        }
    }

    public func answerExamples(status: AnswerStatus, model: String) async throws -> [AnswerExample] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.* FROM answer_examples e JOIN answers a ON a.id = e.answer_id
                WHERE a.status = ? AND e.model = ? ORDER BY e.id
                """, arguments: [status.rawValue, model]).map { row in
                AnswerExample(answerID: row["answer_id"], ticketExternalID: row["ticket_external_id"], text: row["text"],
                              vector: VectorCoding.vector(row["vector"]), model: row["model"])
            }
        }
    }

    public func answerCalibration() async throws -> AnswerCalibration? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT details FROM answer_calibration WHERE id = 1").map {
                try JSONDecoder.storeDetails.decode(AnswerCalibration.self, from: Data($0.utf8))
            }
        }
    }

    public func resolvedTickets(model: String) async throws -> [(ticket: Ticket, vector: [Float]?)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.*, e.vector AS embedding FROM tickets t
                LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model = ?
                WHERE t.status IN ('resolved', 'closed') AND COALESCE(t.resolution, '') != ''
                ORDER BY COALESCE(t.created_at, t.ingested_at), t.id
                """, arguments: [model]).map { row in
                (try Self.ticket(row), (row["embedding"] as Data?).map(VectorCoding.vector))
            }
        }
    }

    // MARK: Rows

    private static func insertAnswer(_ answer: NewAnswer, origin: AnswerOrigin, actor: String, now: Date, db: Database) throws -> String {
        // Ids from the content and the moment: readable, unique, and stable within a mining run.
        let id = "ans-" + ContentHash.sha256(answer.body + "\u{1F}" + (answer.examples.first?.ticketExternalID ?? "")
            + "\u{1F}\(now.timeIntervalSince1970)\u{1F}\(UUID().uuidString)").prefix(10)
        try db.execute(sql: """
            INSERT INTO answers (id, title, body, category, status, origin, withheld, created_by, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'candidate', ?, ?, ?, ?, ?)
            """, arguments: [id, answer.title, answer.body, answer.category, origin.rawValue,
                             String(decoding: try JSONEncoder.sorted.encode(answer.withheld), as: UTF8.self), actor, now, now])
        try insertExamples(answer.examples, answerID: id, db: db)
        try insertAudit(AuditEvent(actor: actor, action: "answer.propose", target: id,
                                   details: "\(origin.rawValue), \(answer.examples.count) examples: \(answer.title.prefix(80))"), db: db)
        return id
    }

    /// Adds examples, skipping tickets the answer already has; returns how many were added.
    @discardableResult
    private static func insertExamples(_ examples: [AnswerExample], answerID: String, db: Database) throws -> Int {
        var added = 0
        for example in examples {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO answer_examples (answer_id, ticket_external_id, text, model, vector) VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [answerID, example.ticketExternalID, example.text, example.model, VectorCoding.data(example.vector)])
            added += db.changesCount
        }
        return added
    }

    /// Answers with their example counts and usage: drafts delivered from them and each draft's latest verdict.
    private static func answerQuery(where condition: String) -> String {
        """
        SELECT a.*,
               (SELECT COUNT(*) FROM answer_examples e WHERE e.answer_id = a.id) AS examples,
               COALESCE(u.drafts, 0) AS drafts, COALESCE(u.accepted, 0) AS accepted, COALESCE(u.edited, 0) AS edited,
               COALESCE(u.rejected, 0) AS rejected, u.mean_edit AS mean_edit
        FROM answers a
        LEFT JOIN (\(usageByAnswer)) u ON u.answer_id = a.id
        \(condition)
        """
    }

    /// Per answer: drafts, and the latest verdict of each.
    static let usageByAnswer = """
        SELECT d.answer_id, COUNT(*) AS drafts, SUM(f.verdict = 'accepted') AS accepted, SUM(f.verdict = 'edited') AS edited,
               SUM(f.verdict = 'rejected') AS rejected, AVG(CASE WHEN f.verdict = 'edited' THEN f.edit_distance END) AS mean_edit
        FROM drafts d
        LEFT JOIN draft_feedback f ON f.id = (SELECT MAX(id) FROM draft_feedback WHERE draft_id = d.id)
        WHERE d.answer_id IS NOT NULL GROUP BY d.answer_id
        """

    private static func fetchAnswer(_ id: String, db: Database) throws -> LibraryAnswer? {
        try Row.fetchOne(db, sql: answerQuery(where: "WHERE a.id = ?"), arguments: [id]).map(libraryAnswer)
    }

    private static func libraryAnswer(_ row: Row) throws -> LibraryAnswer {
        LibraryAnswer(
            id: row["id"], title: row["title"], body: row["body"], category: row["category"],
            status: AnswerStatus(rawValue: row["status"]) ?? .candidate, origin: AnswerOrigin(rawValue: row["origin"]) ?? .manual,
            withheld: try JSONDecoder().decode([String].self, from: Data((row["withheld"] as String).utf8)),
            version: row["version"], examples: row["examples"], createdBy: row["created_by"], createdAt: row["created_at"],
            updatedAt: row["updated_at"], reviewedBy: row["reviewed_by"],
            usage: AnswerUsage(drafts: row["drafts"], accepted: row["accepted"], edited: row["edited"], rejected: row["rejected"],
                               meanEditDistance: row["mean_edit"]))
    }
}
