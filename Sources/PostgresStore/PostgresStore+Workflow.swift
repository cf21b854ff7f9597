import Domain
import Foundation
import PostgresNIO
import Store

/// The router's predictions and agents' corrections of them.
extension PostgresStore: PredictionStore {
    public func ticketsAwaitingTriage(modelVersion: String, limit: Int) async throws -> [Ticket] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT \(unescaped: Self.ticketColumns) FROM tickets t
                WHERE NOT EXISTS (SELECT 1 FROM predictions p WHERE p.ticket_id = t.id AND p.model_version = \(modelVersion))
                ORDER BY t.created_at NULLS FIRST, t.id LIMIT \(limit)
                """, logger: logger).map { try Self.ticket($0).ticket }
        }
    }

    public func savePredictions(_ predictions: [StoredPrediction]) async throws {
        guard !predictions.isEmpty else { return }
        try await transaction { connection in
            for p in predictions {
                try refuseNUL([p.modelVersion, p.category, p.queue, p.suggestedCategory, p.details], in: "prediction")
                let saved = try await connection.rows("""
                    INSERT INTO predictions (ticket_id, model_version, category, queue, suggested_category, confidence,
                                             abstained, priority, details, created_at)
                    SELECT id, \(p.modelVersion), \(p.category), \(p.queue), \(p.suggestedCategory), \(p.confidence),
                           \(p.abstained), \(p.priority?.rawValue), \(p.details), \(p.createdAt)
                    FROM tickets WHERE external_id = \(p.ticketExternalID)
                    RETURNING id
                    """, logger: logger)
                guard saved.count == 1 else { throw StoreError("no ticket \(p.ticketExternalID)") }
            }
        }
    }

    public func predictions(ticketExternalID: String) async throws -> [StoredPrediction] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT p.model_version, p.category, p.queue, p.suggested_category, p.confidence, p.abstained, p.priority,
                       p.details, p.created_at
                FROM predictions p JOIN tickets t ON t.id = p.ticket_id
                WHERE t.external_id = \(ticketExternalID) ORDER BY p.created_at DESC, p.id DESC
                """, logger: logger).map { row in
                let (model, category, queue, suggested, confidence, abstained, priority, details, created) = try row.decode(
                    (String, String?, String?, String, Double, Bool, String?, String, Date).self)
                return StoredPrediction(ticketExternalID: ticketExternalID, modelVersion: model, category: category,
                                        queue: queue, suggestedCategory: suggested, confidence: confidence,
                                        abstained: abstained, priority: priority.flatMap(Priority.init(rawValue:)),
                                        details: details, createdAt: created)
            }
        }
    }

    public func saveCorrection(_ c: RouteCorrection) async throws {
        try refuseNUL([c.ticketExternalID, c.category, c.predictedCategory, c.modelVersion, c.actor], in: "route correction")
        try await transaction { connection in
            let found = try await connection.rows(
                "SELECT id FROM tickets WHERE external_id = \(c.ticketExternalID) FOR UPDATE", logger: logger)
            guard let id = try found.first?.decode(Int64.self) else { throw StoreError("no ticket \(c.ticketExternalID)") }
            try await connection.query("""
                INSERT INTO route_corrections (ticket_id, category, priority, predicted_category, predicted_priority,
                                               model_version, actor, at)
                VALUES (\(id), \(c.category), \(c.priority?.rawValue), \(c.predictedCategory), \(c.predictedPriority?.rawValue),
                        \(c.modelVersion), \(c.actor), \(c.at))
                """, logger: logger)
            try await connection.query("""
                UPDATE tickets SET category = coalesce(\(c.category), category), priority = coalesce(\(c.priority?.rawValue), priority),
                    updated_at = \(c.at)
                WHERE id = \(id)
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(
                actor: c.actor, action: "route.correct", target: c.ticketExternalID,
                details: "category \(c.predictedCategory ?? "–") → \(c.category ?? "unchanged"), "
                    + "priority \(c.predictedPriority?.rawValue ?? "–") → \(c.priority?.rawValue ?? "unchanged")"),
                connection, logger: logger)
        }
    }
}

/// Drafted replies and agents' verdicts on them.
extension PostgresStore: DraftStore {
    public func saveDraft(_ draft: StoredDraft) async throws {
        try refuseNUL([draft.id, draft.ticketExternalID, draft.kind, draft.answerID, draft.model, draft.promptVersion,
                       draft.text, draft.fallbackReason, draft.details], in: "draft")
        try await client.query("""
            INSERT INTO drafts (id, ticket_external_id, kind, answer_id, model, prompt_version, text, grounded,
                                fallback_reason, details, created_at)
            VALUES (\(draft.id), \(draft.ticketExternalID), \(draft.kind), \(draft.answerID), \(draft.model),
                    \(draft.promptVersion), \(draft.text), \(draft.grounded), \(draft.fallbackReason), \(draft.details),
                    \(draft.createdAt))
            """, logger: logger)
    }

    public func drafts(ticketExternalID: String, limit: Int) async throws -> [StoredDraft] {
        // Ties of created_at: the one saved last first (SQLite's rowid; here the identity `row_id`).
        try await storedDrafts("""
            SELECT \(unescaped: Self.draftColumns) FROM drafts WHERE ticket_external_id = \(ticketExternalID)
            ORDER BY created_at DESC, row_id DESC LIMIT \(limit)
            """)
    }

    public func draft(id: String) async throws -> StoredDraft? {
        try await storedDrafts("SELECT \(unescaped: Self.draftColumns) FROM drafts WHERE id = \(id)").first
    }

    public func saveFeedback(_ f: DraftFeedback) async throws {
        try refuseNUL([f.draftID, f.finalText, f.reason, f.actor], in: "draft feedback")
        try await transaction { connection in
            let draft = try await connection.rows("SELECT 1 FROM drafts WHERE id = \(f.draftID)", logger: logger)
            guard !draft.isEmpty else { throw StoreError("no draft \(f.draftID)") }
            try await connection.query("""
                INSERT INTO draft_feedback (draft_id, verdict, final_text, reason, edit_distance, actor, at)
                VALUES (\(f.draftID), \(f.verdict.rawValue), \(f.finalText), \(f.reason), \(f.editDistance), \(f.actor), \(f.at))
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(
                actor: f.actor, action: "draft.\(f.verdict.rawValue)", target: f.draftID,
                details: f.reason ?? f.editDistance.map { "edit distance \($0)" } ?? ""), connection, logger: logger)
        }
    }

    public func latestFeedback(draftID: String) async throws -> DraftFeedback? {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT draft_id, verdict, final_text, reason, edit_distance, actor, at FROM draft_feedback
                WHERE draft_id = \(draftID) ORDER BY id DESC LIMIT 1
                """, logger: logger).first.map { row in
                let (draft, verdict, finalText, reason, distance, actor, at) = try row.decode(
                    (String, String, String?, String?, Double?, String, Date).self)
                return DraftFeedback(draftID: draft, verdict: DraftFeedback.Verdict(rawValue: verdict) ?? .rejected,
                                     finalText: finalText, reason: reason, editDistance: distance, actor: actor, at: at)
            }
        }
    }

    private func storedDrafts(_ query: PostgresQuery) async throws -> [StoredDraft] {
        try await client.withConnection { connection in
            try await connection.rows(query, logger: logger).map { row in
                let (id, ticket, kind, answer, model, prompt, text, grounded, fallback, details, created) = try row.decode(
                    (String, String?, String, String?, String?, String, String, Bool, String?, String, Date).self)
                return StoredDraft(id: id, ticketExternalID: ticket, kind: kind, answerID: answer, model: model,
                                   promptVersion: prompt, text: text, grounded: grounded, fallbackReason: fallback,
                                   details: details, createdAt: created)
            }
        }
    }

    static let draftColumns = """
        id, ticket_external_id, kind, answer_id, model, prompt_version, text, grounded, fallback_reason, details, created_at
        """
}

/// Readiness, row counts and the analytics page.
extension PostgresStore: StatusStore {
    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    public func counts() async throws -> StoreCounts {
        try await client.withConnection { connection in
            let row = try await connection.rows("""
                SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM articles), (SELECT count(*) FROM chunks),
                       (SELECT count(*) FROM quarantine), (SELECT count(*) FROM ingest_runs)
                """, logger: logger)[0]
            let (tickets, articles, chunks, quarantined, runs) = try row.decode((Int, Int, Int, Int, Int).self)
            return StoreCounts(tickets: tickets, articles: articles, chunks: chunks, quarantined: quarantined,
                               ingestRuns: runs)
        }
    }

    public func analytics(days: Int) async throws -> WorkflowAnalytics {
        let since = Date().addingTimeInterval(-Double(days) * 86_400)
        // One verdict per draft counts, its latest: an agent who accepts, then edits, has edited once.
        let latestVerdicts = """
            SELECT * FROM draft_feedback f WHERE f.id = (SELECT max(id) FROM draft_feedback WHERE draft_id = f.draft_id)
            """
        return try await client.withConnection { connection in
            func counts(_ query: PostgresQuery) async throws -> [WorkflowAnalytics.Count] {
                try await connection.rows(query, logger: logger).map { row in
                    let (key, count) = try row.decode((String?, Int).self)
                    return WorkflowAnalytics.Count(key: key ?? "none", count: count)
                }
            }
            // Days in UTC, as the SQLite store's date() of its UTC timestamps.
            let byDay = try await counts("""
                SELECT to_char(coalesce(created_at, ingested_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)
                FROM tickets WHERE coalesce(created_at, ingested_at) >= \(since) GROUP BY day ORDER BY day
                """)
            let byCategory = try await counts(
                "SELECT category, count(*) FROM tickets GROUP BY category ORDER BY 2 DESC, category NULLS FIRST")
            let byPriority = try await counts(
                "SELECT priority, count(*) FROM tickets GROUP BY priority ORDER BY priority NULLS FIRST")
            let open = try await counts("""
                SELECT priority, count(*) FROM tickets WHERE status IS NULL OR status NOT IN ('resolved', 'closed')
                GROUP BY priority ORDER BY priority NULLS FIRST
                """)
            let verdicts = try await counts(
                "SELECT verdict, count(*) FROM (\(unescaped: latestVerdicts)) v GROUP BY verdict ORDER BY verdict")
            let totals = try await connection.rows("""
                SELECT (SELECT count(*) FROM route_corrections WHERE predicted_category IS NOT NULL),
                       (SELECT count(*) FROM route_corrections
                        WHERE predicted_category IS NOT NULL
                          AND (category IS NOT DISTINCT FROM predicted_category OR category IS NULL)),
                       (SELECT count(*) FROM drafts), (SELECT count(*) FROM drafts WHERE kind = 'extractive'),
                       (SELECT avg(edit_distance) FROM (\(unescaped: latestVerdicts)) v WHERE verdict = 'edited')
                """, logger: logger)[0]
            let (corrected, confirmed, drafts, extractive, meanEdit) = try totals.decode((Int, Int, Int, Int, Double?).self)
            let paths = try await connection.rows("""
                SELECT d.kind, count(*) AS drafts, count(*) FILTER (WHERE f.verdict = 'accepted'),
                       count(*) FILTER (WHERE f.verdict = 'edited'), count(*) FILTER (WHERE f.verdict = 'rejected'),
                       avg(CASE WHEN f.verdict = 'edited' THEN f.edit_distance END)
                FROM drafts d LEFT JOIN draft_feedback f ON f.id = (SELECT max(id) FROM draft_feedback WHERE draft_id = d.id)
                GROUP BY d.kind ORDER BY drafts DESC, d.kind
                """, logger: logger).map { row in
                let (kind, drafts, accepted, edited, rejected, meanEdit) = try row.decode((String, Int, Int, Int, Int, Double?).self)
                return WorkflowAnalytics.PathUsage(path: kind, usage: AnswerUsage(
                    drafts: drafts, accepted: accepted, edited: edited, rejected: rejected, meanEditDistance: meanEdit))
            }
            return WorkflowAnalytics(
                ticketsByDay: byDay, ticketsByCategory: byCategory, ticketsByPriority: byPriority, openByPriority: open,
                correctedRoutes: corrected, routesConfirmed: confirmed, draftVerdicts: verdicts,
                meanEditDistance: meanEdit, drafts: drafts, extractiveDrafts: extractive, draftPaths: paths)
        }
    }
}
