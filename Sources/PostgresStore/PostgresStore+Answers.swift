import Domain
import Foundation
import PostgresNIO
import Store

/// The approved-answer library: mined and proposed answers, their examples (with vectors), edits by
/// compare-and-set on the version, reviews, and the mining calibration.
extension PostgresStore: AnswerStore {
    public func saveMinedAnswers(_ groups: [NewAnswer], calibration: AnswerCalibration, actor: String) async throws
        -> MinedAnswersSummary {
        let details = String(decoding: try JSONEncoder.storeDetails.encode(calibration), as: UTF8.self)
        return try await transaction { connection in
            var summary = MinedAnswersSummary(created: 0, extended: 0, skippedRetired: 0)
            let now = Date()
            for group in groups {
                // The saved answer most of this group's tickets already belong to, if any.
                let ticketIDs = group.examples.compactMap(\.ticketExternalID)
                var owner: (id: String, status: String)?
                if !ticketIDs.isEmpty, let row = try await connection.rows("""
                    SELECT a.id, a.status, count(*) AS shared FROM answer_examples e JOIN answers a ON a.id = e.answer_id
                    WHERE e.ticket_external_id = ANY (\(ticketIDs)::text[]) GROUP BY a.id
                    ORDER BY shared DESC, a.created_at LIMIT 1
                    """, logger: logger).first {
                    let (id, status, shared) = try row.decode((String, String, Int).self)
                    if 2 * shared >= ticketIDs.count { owner = (id, status) }
                }
                if let owner {
                    guard owner.status != AnswerStatus.retired.rawValue else {
                        summary.skippedRetired += 1
                        continue
                    }
                    if try await Self.insertExamples(group.examples, answerID: owner.id, connection, logger: logger) > 0 {
                        summary.extended += 1
                    }
                } else {
                    _ = try await Self.insertAnswer(group, origin: .mined, actor: actor, now: now, connection, logger: logger)
                    summary.created += 1
                }
            }
            try await connection.query("""
                INSERT INTO answer_calibration (id, details) VALUES (1, \(details))
                ON CONFLICT (id) DO UPDATE SET details = excluded.details
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(
                actor: actor, action: "answers.mine", target: "library",
                details: "\(groups.count) groups from \(calibration.resolutions) resolutions: \(summary.created) new candidates, "
                    + "\(summary.extended) answers extended; threshold \(String(format: "%.3f", calibration.threshold))"),
                connection, logger: logger)
            return summary
        }
    }

    public func proposeAnswer(_ answer: NewAnswer, origin: AnswerOrigin, actor: String) async throws -> LibraryAnswer {
        let id = try await transaction { connection in
            try await Self.insertAnswer(answer, origin: origin, actor: actor, now: Date(), connection, logger: logger)
        }
        guard let saved = try await self.answer(id: id) else { throw StoreError("answer \(id) vanished", code: .notFound) }
        return saved
    }

    public func answers(status: AnswerStatus?) async throws -> [LibraryAnswer] {
        try await client.withConnection { connection in
            let query: PostgresQuery = if let status {
                "\(unescaped: Self.answerQuery) WHERE a.status = \(status.rawValue) ORDER BY drafts DESC, a.created_at, a.id"
            } else {
                "\(unescaped: Self.answerQuery) ORDER BY drafts DESC, a.created_at, a.id"
            }
            return try await connection.rows(query, logger: logger).map(Self.libraryAnswer)
        }
    }

    public func answer(id: String) async throws -> LibraryAnswer? {
        try await client.withConnection { connection in try await Self.fetchAnswer(id, connection, logger: logger) }
    }

    public func editAnswer(id: String, title: String, body: String, expectedVersion: Int, actor: String) async throws
        -> LibraryAnswer {
        try refuseNUL([title, body, actor], in: "answer")
        return try await transaction { connection in
            // Compare-and-set on the version, the row locked meanwhile.
            let locked = try await connection.rows("SELECT version FROM answers WHERE id = \(id) FOR UPDATE", logger: logger)
            guard let version = try locked.first?.decode(Int.self) else { throw StoreError("no answer \(id)", code: .notFound) }
            guard version == expectedVersion else {
                throw StoreError("answer \(id) is at version \(version), not \(expectedVersion): someone edited it meanwhile",
                                 code: .conflict)
            }
            try await connection.query("""
                UPDATE answers SET title = \(title), body = \(body), version = version + 1, updated_at = \(Date()) WHERE id = \(id)
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(actor: actor, action: "answer.edit", target: id,
                                                  details: "version \(expectedVersion) → \(expectedVersion + 1)"),
                                       connection, logger: logger)
            return try await Self.fetchAnswer(id, connection, logger: logger)!
        }
    }

    public func setAnswerStatus(id: String, to status: AnswerStatus, actor: String, reason: String?) async throws
        -> LibraryAnswer {
        try refuseNUL([actor, reason], in: "answer review")
        return try await transaction { connection in
            let locked = try await connection.rows("SELECT status FROM answers WHERE id = \(id) FOR UPDATE", logger: logger)
            guard let raw = try locked.first?.decode(String.self) else { throw StoreError("no answer \(id)", code: .notFound) }
            let current = AnswerStatus(rawValue: raw) ?? .candidate
            if current != status {
                try await connection.query("""
                    UPDATE answers SET status = \(status.rawValue), reviewed_by = \(actor), updated_at = \(Date()) WHERE id = \(id)
                    """, logger: logger)
                let action = switch status {
                case .approved: "answer.approve"
                case .retired: "answer.retire"
                case .candidate: "answer.reopen"
                }
                try await Self.insertAudit(AuditEvent(actor: actor, action: action, target: id,
                                                      details: "\(current.rawValue) → \(status.rawValue)" + (reason.map { ": \($0)" } ?? "")),
                                           connection, logger: logger)
            }
            return try await Self.fetchAnswer(id, connection, logger: logger)!
        }
    }

    public func answerExamples(status: AnswerStatus, model: String) async throws -> [AnswerExample] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT e.answer_id, e.ticket_external_id, e.text, e.vector::real[], e.model
                FROM answer_examples e JOIN answers a ON a.id = e.answer_id
                WHERE a.status = \(status.rawValue) AND e.model = \(model) ORDER BY e.id
                """, logger: logger).map { row in
                let (answer, ticket, text, vector, model) = try row.decode((String, String?, String, [Float], String).self)
                return AnswerExample(answerID: answer, ticketExternalID: ticket, text: text, vector: vector, model: model)
            }
        }
    }

    public func answerCalibration() async throws -> AnswerCalibration? {
        let rows = try await client.query("SELECT details FROM answer_calibration WHERE id = 1", logger: logger)
        for try await details in rows.decode(String.self) {
            return try JSONDecoder.storeDetails.decode(AnswerCalibration.self, from: Data(details.utf8))
        }
        return nil
    }

    public func resolvedTickets(model: String) async throws -> [(ticket: Ticket, vector: [Float]?)] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT \(unescaped: Self.ticketColumns), e.vector::real[] FROM tickets t
                LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model = \(model)
                WHERE t.status IN ('resolved', 'closed') AND coalesce(t.resolution, '') <> ''
                ORDER BY coalesce(t.created_at, t.ingested_at), t.id
                """, logger: logger).map { row in
                (try Self.ticket(row).ticket, try row.makeRandomAccess()[14].decode([Float]?.self))
            }
        }
    }

    // MARK: Rows

    private static func insertAnswer(_ answer: NewAnswer, origin: AnswerOrigin, actor: String, now: Date,
                                     _ connection: PostgresConnection, logger: Logger) async throws -> String {
        try refuseNUL([answer.title, answer.body, answer.category, actor] + answer.withheld, in: "answer")
        // Ids from the content and the moment: readable, unique, and stable within a mining run.
        let id = "ans-" + ContentHash.sha256(answer.body + "\u{1F}" + (answer.examples.first?.ticketExternalID ?? "")
            + "\u{1F}\(now.timeIntervalSince1970)\u{1F}\(UUID().uuidString)").prefix(10)
        let withheld = String(decoding: try JSONEncoder.sorted.encode(answer.withheld), as: UTF8.self)
        try await connection.query("""
            INSERT INTO answers (id, title, body, category, status, origin, withheld, created_by, created_at, updated_at)
            VALUES (\(id), \(answer.title), \(answer.body), \(answer.category), 'candidate', \(origin.rawValue), \(withheld),
                    \(actor), \(now), \(now))
            """, logger: logger)
        try await insertExamples(answer.examples, answerID: id, connection, logger: logger)
        try await insertAudit(AuditEvent(actor: actor, action: "answer.propose", target: id,
                                         details: "\(origin.rawValue), \(answer.examples.count) examples: \(answer.title.prefix(80))"),
                              connection, logger: logger)
        return id
    }

    /// Adds examples, skipping tickets the answer already has (per model); returns how many were added.
    @discardableResult
    private static func insertExamples(_ examples: [AnswerExample], answerID: String, _ connection: PostgresConnection,
                                       logger: Logger) async throws -> Int {
        var added = 0
        for example in examples {
            try refuseNUL([example.ticketExternalID, example.text, example.model], in: "answer example")
            guard !example.vector.isEmpty, example.vector.allSatisfy(\.isFinite) else {
                throw StoreError("an answer example's vector is empty or holds NaN or infinity", code: .invalid)
            }
            let inserted = try await connection.rows("""
                INSERT INTO answer_examples (answer_id, ticket_external_id, text, model, vector)
                VALUES (\(answerID), \(example.ticketExternalID), \(example.text), \(example.model),
                        \(vectorText(example.vector))::vector)
                ON CONFLICT (answer_id, ticket_external_id, model) WHERE ticket_external_id IS NOT NULL DO NOTHING
                RETURNING id
                """, logger: logger)
            added += inserted.count
        }
        return added
    }

    /// Answers with their example counts and usage: drafts delivered from them and each draft's latest verdict.
    static let answerQuery = """
        SELECT a.id, a.title, a.body, a.category, a.status, a.origin, a.withheld, a.version,
               (SELECT count(*) FROM answer_examples e WHERE e.answer_id = a.id) AS examples,
               a.created_by, a.created_at, a.updated_at, a.reviewed_by,
               coalesce(u.drafts, 0) AS drafts, coalesce(u.accepted, 0), coalesce(u.edited, 0), coalesce(u.rejected, 0),
               u.mean_edit
        FROM answers a
        LEFT JOIN (
            SELECT d.answer_id, count(*) AS drafts, count(*) FILTER (WHERE f.verdict = 'accepted') AS accepted,
                   count(*) FILTER (WHERE f.verdict = 'edited') AS edited,
                   count(*) FILTER (WHERE f.verdict = 'rejected') AS rejected,
                   avg(CASE WHEN f.verdict = 'edited' THEN f.edit_distance END) AS mean_edit
            FROM drafts d
            LEFT JOIN draft_feedback f ON f.id = (SELECT max(id) FROM draft_feedback WHERE draft_id = d.id)
            WHERE d.answer_id IS NOT NULL GROUP BY d.answer_id) u ON u.answer_id = a.id
        """

    private static func fetchAnswer(_ id: String, _ connection: PostgresConnection, logger: Logger) async throws
        -> LibraryAnswer? {
        try await connection.rows("\(unescaped: answerQuery) WHERE a.id = \(id)", logger: logger).first.map(libraryAnswer)
    }

    private static func libraryAnswer(_ row: PostgresRow) throws -> LibraryAnswer {
        let c = row.makeRandomAccess()
        let withheld = try c[6].decode(String.self)
        return LibraryAnswer(
            id: try c[0].decode(String.self), title: try c[1].decode(String.self), body: try c[2].decode(String.self),
            category: try c[3].decode(String?.self),
            status: AnswerStatus(rawValue: try c[4].decode(String.self)) ?? .candidate,
            origin: AnswerOrigin(rawValue: try c[5].decode(String.self)) ?? .manual,
            withheld: try JSONDecoder().decode([String].self, from: Data(withheld.utf8)),
            version: try c[7].decode(Int.self), examples: try c[8].decode(Int.self),
            createdBy: try c[9].decode(String.self), createdAt: try c[10].decode(Date.self),
            updatedAt: try c[11].decode(Date.self), reviewedBy: try c[12].decode(String?.self),
            usage: AnswerUsage(drafts: try c[13].decode(Int.self), accepted: try c[14].decode(Int.self),
                               edited: try c[15].decode(Int.self), rejected: try c[16].decode(Int.self),
                               meanEditDistance: try c[17].decode(Double?.self)))
    }
}
