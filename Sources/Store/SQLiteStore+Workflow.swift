import Domain
import Foundation
import GRDB

extension SQLiteStore {
    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func createAPIKey(_ key: APIKey, secretHash: String, actor: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO api_keys (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [key.id, key.name, key.role.rawValue, secretHash, key.createdAt])
            try Self.insertAudit(AuditEvent(actor: actor, action: "key.create", target: key.id,
                                            details: "name \(key.name), role \(key.role.rawValue)"), db: db)
        }
    }

    public func apiKey(secretHash: String) async throws -> APIKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL",
                             arguments: [secretHash]).map(Self.key)
        }
    }

    public func apiKeys() async throws -> [APIKey] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at").map(Self.key) }
    }

    public func revokeAPIKey(id: String, actor: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [Date(), id])
            guard db.changesCount == 1 else { return false }
            try Self.insertAudit(AuditEvent(actor: actor, action: "key.revoke", target: id), db: db)
            return true
        }
    }

    public func createSession(_ session: UISession, idHash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM ui_sessions WHERE expires_at <= ?", arguments: [session.createdAt])
            try db.execute(sql: """
                INSERT INTO ui_sessions (id_hash, key_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [idHash, session.keyID, session.csrfToken, session.createdAt, session.expiresAt])
            try Self.insertAudit(AuditEvent(actor: "key:\(session.keyID)", action: "session.start",
                                            target: String(idHash.prefix(12))), db: db)
        }
    }

    public func session(idHash: String, now: Date) async throws -> (session: UISession, key: APIKey)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.csrf_token, s.created_at AS session_created_at, s.expires_at, k.*
                FROM ui_sessions s JOIN api_keys k ON k.id = s.key_id
                WHERE s.id_hash = ? AND s.expires_at > ? AND k.revoked_at IS NULL
                """, arguments: [idHash, now]).map { row in
                (UISession(keyID: row["id"], csrfToken: row["csrf_token"], createdAt: row["session_created_at"],
                           expiresAt: row["expires_at"]), Self.key(row))
            }
        }
    }

    public func endSession(idHash: String) async throws -> Bool {
        try await pool.write { db in
            guard let keyID = try String.fetchOne(db, sql: "SELECT key_id FROM ui_sessions WHERE id_hash = ?", arguments: [idHash]) else {
                return false
            }
            try db.execute(sql: "DELETE FROM ui_sessions WHERE id_hash = ?", arguments: [idHash])
            try Self.insertAudit(AuditEvent(actor: "key:\(keyID)", action: "session.end", target: String(idHash.prefix(12))), db: db)
            return true
        }
    }

    public func upsertTicket(_ ticket: Ticket, actor: String) async throws {
        try await pool.write { db in
            let outcome = try Self.upsert(ticket, db: db, now: Date())
            if outcome != .unchanged {
                try Self.insertAudit(AuditEvent(actor: actor, action: "ticket.\(outcome == .stored ? "create" : "update")",
                                                target: ticket.externalID), db: db)
            }
        }
    }

    public func tickets(_ query: TicketQuery) async throws -> [TicketSummary] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let status = query.status { conditions.append("t.status = ?"); arguments += [status.rawValue] }
            if let category = query.category { conditions.append("t.category = ?"); arguments += [category] }
            if let priority = query.priority { conditions.append("t.priority = ?"); arguments += [priority.rawValue] }
            if let queue = query.queue { conditions.append("COALESCE(p.queue, p.category) = ?"); arguments += [queue] }
            if let language = query.language {
                conditions.append("(lower(t.language) = lower(?) OR lower(t.language) LIKE lower(?) || '-%')")
                arguments += [language, language]
            }
            if let needsHuman = query.needsHuman { conditions.append(needsHuman ? "p.abstained = 1" : "p.abstained = 0") }
            if let since = query.createdSince {
                conditions.append("COALESCE(t.created_at, t.ingested_at) >= ?"); arguments += [since]
            }
            if let text = query.text {
                guard let match = FTSQuery.match(for: text, allWords: true) else { return [] }
                conditions.append("t.id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?)"); arguments += [match]
            }
            // SLA: the first-response deadline in Julian days, and the risk now (as `SLAPolicy.risk`).
            let hours = "CASE t.priority " + Priority.allCases.map { "WHEN '\($0.rawValue)' THEN \(query.sla.hours[$0] ?? 24)" }.joined(separator: " ")
                + " ELSE \(query.sla.hours[.p3] ?? 24) END"
            let answered = "t.status IN ('resolved', 'closed')"
            let deadline = "(julianday(t.created_at) + (\(hours)) / 24.0)"
            let warn = "(julianday(t.created_at) + (\(hours)) * \(query.sla.warnAt) / 24.0)"
            let now = "julianday('now')"
            let risk = """
                CASE WHEN t.created_at IS NULL OR \(answered) THEN 'ok' WHEN \(now) >= \(deadline) THEN 'breached'
                     WHEN \(now) >= \(warn) THEN 'at_risk' ELSE 'ok' END
                """
            if let slaRisk = query.slaRisk { conditions.append("(\(risk)) = ?"); arguments += [slaRisk.rawValue] }
            let order = switch query.order {
            case .newest: "COALESCE(t.created_at, t.ingested_at) DESC, t.id DESC"
            case .slaDeadline: "(\(answered) OR t.created_at IS NULL), \(deadline), t.id"
            }
            arguments += [query.limit, query.offset]
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.*, p.model_version AS p_model, p.category AS p_category, p.queue AS p_queue,
                       p.suggested_category AS p_suggested, p.confidence AS p_confidence, p.abstained AS p_abstained,
                       p.priority AS p_priority, p.details AS p_details, p.created_at AS p_created_at
                FROM tickets t
                LEFT JOIN predictions p ON p.id = (SELECT MAX(id) FROM predictions WHERE ticket_id = t.id)
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY \(order) LIMIT ? OFFSET ?
                """, arguments: arguments)
            return try rows.map { row in
                let ticket = try Self.ticket(row)
                let prediction: StoredPrediction? = (row["p_model"] as String?).map { model in
                    StoredPrediction(ticketExternalID: ticket.externalID, modelVersion: model, category: row["p_category"],
                                     queue: row["p_queue"], suggestedCategory: row["p_suggested"], confidence: row["p_confidence"],
                                     abstained: row["p_abstained"],
                                     priority: (row["p_priority"] as String?).flatMap(Priority.init(rawValue:)),
                                     details: row["p_details"], createdAt: row["p_created_at"])
                }
                return TicketSummary(ticket: ticket, prediction: prediction)
            }
        }
    }

    public func draft(id: String) async throws -> StoredDraft? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM drafts WHERE id = ?", arguments: [id]).map(Self.storedDraft)
        }
    }

    public func saveFeedback(_ f: DraftFeedback) async throws {
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM drafts WHERE id = ?", arguments: [f.draftID]) != nil else {
                throw StoreError("no draft \(f.draftID)")
            }
            try db.execute(sql: """
                INSERT INTO draft_feedback (draft_id, verdict, final_text, reason, edit_distance, actor, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [f.draftID, f.verdict.rawValue, f.finalText, f.reason, f.editDistance, f.actor, f.at])
            try Self.insertAudit(AuditEvent(actor: f.actor, action: "draft.\(f.verdict.rawValue)", target: f.draftID,
                                            details: f.reason ?? f.editDistance.map { "edit distance \($0)" } ?? ""), db: db)
        }
    }

    public func latestFeedback(draftID: String) async throws -> DraftFeedback? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM draft_feedback WHERE draft_id = ? ORDER BY id DESC LIMIT 1", arguments: [draftID]).map { row in
                DraftFeedback(draftID: row["draft_id"], verdict: DraftFeedback.Verdict(rawValue: row["verdict"]) ?? .rejected,
                              finalText: row["final_text"], reason: row["reason"], editDistance: row["edit_distance"],
                              actor: row["actor"], at: row["at"])
            }
        }
    }

    public func saveCorrection(_ c: RouteCorrection) async throws {
        try await pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM tickets WHERE external_id = ?",
                                              arguments: [c.ticketExternalID]) else {
                throw StoreError("no ticket \(c.ticketExternalID)")
            }
            try db.execute(sql: """
                INSERT INTO route_corrections (ticket_id, category, priority, predicted_category, predicted_priority,
                                               model_version, actor, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, c.category, c.priority?.rawValue, c.predictedCategory, c.predictedPriority?.rawValue,
                                 c.modelVersion, c.actor, c.at])
            try db.execute(sql: """
                UPDATE tickets SET category = COALESCE(?, category), priority = COALESCE(?, priority), updated_at = ?
                WHERE id = ?
                """, arguments: [c.category, c.priority?.rawValue, c.at, id])
            try Self.insertAudit(AuditEvent(
                actor: c.actor, action: "route.correct", target: c.ticketExternalID,
                details: "category \(c.predictedCategory ?? "–") → \(c.category ?? "unchanged"), "
                    + "priority \(c.predictedPriority?.rawValue ?? "–") → \(c.priority?.rawValue ?? "unchanged")"), db: db)
        }
    }

    public func analytics(days: Int) async throws -> WorkflowAnalytics {
        try await pool.read { db in
            func counts(_ sql: String, _ arguments: StatementArguments = []) throws -> [WorkflowAnalytics.Count] {
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { .init(key: $0[0] ?? "none", count: $0[1]) }
            }
            let since = Date().addingTimeInterval(-Double(days) * 86_400)
            let routed = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), COALESCE(SUM(category IS predicted_category OR category IS NULL), 0)
                FROM route_corrections WHERE predicted_category IS NOT NULL
                """)!
            let drafts = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(kind = 'extractive'), 0) FROM drafts")!
            // One verdict per draft counts, its latest: an agent who accepts, then edits, has edited once.
            let latestVerdicts = "SELECT * FROM draft_feedback f WHERE f.id = (SELECT MAX(id) FROM draft_feedback WHERE draft_id = f.draft_id)"
            let paths = try Row.fetchAll(db, sql: """
                SELECT d.kind, COUNT(*) AS drafts, COALESCE(SUM(f.verdict = 'accepted'), 0) AS accepted,
                       COALESCE(SUM(f.verdict = 'edited'), 0) AS edited, COALESCE(SUM(f.verdict = 'rejected'), 0) AS rejected,
                       AVG(CASE WHEN f.verdict = 'edited' THEN f.edit_distance END) AS mean_edit
                FROM drafts d LEFT JOIN draft_feedback f ON f.id = (SELECT MAX(id) FROM draft_feedback WHERE draft_id = d.id)
                GROUP BY d.kind ORDER BY drafts DESC
                """).map(Self.pathUsage)
            return WorkflowAnalytics(
                ticketsByDay: try counts("""
                    SELECT date(COALESCE(created_at, ingested_at)) AS day, COUNT(*) FROM tickets
                    WHERE COALESCE(created_at, ingested_at) >= ? GROUP BY day ORDER BY day
                    """, [since]),
                ticketsByCategory: try counts("SELECT category, COUNT(*) FROM tickets GROUP BY category ORDER BY 2 DESC"),
                ticketsByPriority: try counts("SELECT priority, COUNT(*) FROM tickets GROUP BY priority ORDER BY priority"),
                openByPriority: try counts("""
                    SELECT priority, COUNT(*) FROM tickets WHERE status IS NULL OR status NOT IN ('resolved', 'closed')
                    GROUP BY priority ORDER BY priority
                    """),
                correctedRoutes: routed[0], routesConfirmed: routed[1],
                draftVerdicts: try counts("SELECT verdict, COUNT(*) FROM (\(latestVerdicts)) GROUP BY verdict ORDER BY verdict"),
                meanEditDistance: try Double.fetchOne(db, sql: "SELECT AVG(edit_distance) FROM (\(latestVerdicts)) WHERE verdict = 'edited'"),
                drafts: drafts[0], extractiveDrafts: drafts[1], draftPaths: paths)
        }
    }

    static func pathUsage(_ row: Row) -> WorkflowAnalytics.PathUsage {
        let usage = AnswerUsage(drafts: row["drafts"], accepted: row["accepted"], edited: row["edited"], rejected: row["rejected"],
                                meanEditDistance: row["mean_edit"])
        return WorkflowAnalytics.PathUsage(path: row["kind"], usage: usage)
    }

    static func key(_ row: Row) -> APIKey {
        APIKey(id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .agent, createdAt: row["created_at"],
               revokedAt: row["revoked_at"])
    }
}
