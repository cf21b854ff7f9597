import Domain
import Foundation
import PostgresNIO
import Store

/// Tickets: reads, the API's audited upsert, the inbox list and keyword search (BM25 over postings).
extension PostgresStore: TicketStore {
    public func ticket(externalID: String) async throws -> Ticket? {
        try await client.withConnection { connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.ticketColumns) FROM tickets t WHERE t.external_id = \(externalID)",
                logger: logger
            ).first.map { try Self.ticket($0).ticket }
        }
    }

    public func upsertTicket(_ ticket: Ticket, actor: String) async throws {
        try await transaction { connection in
            let (outcome, id) = try await Self.upsert(ticket, connection, now: Date(), logger: logger)
            guard outcome != .unchanged else { return }
            try await KeywordPostings.writeTickets([(id, KeywordPostings.ticket(ticket))], connection, logger: logger)
            try await Self.insertAudit(AuditEvent(actor: actor, action: "ticket.\(outcome == .stored ? "create" : "update")",
                                                  target: ticket.externalID), connection, logger: logger)
        }
    }

    public func searchTickets(_ query: String, limit: Int, resolvedOnly: Bool) async throws -> [TicketHit] {
        let terms = KeywordPostings.queryTerms(query)
        guard !terms.isEmpty, limit > 0 else { return [] }
        var (sql, binds) = KeywordPostings.scores("ticket", terms: terms)
        binds.append(limit)
        sql += """

            SELECT \(Self.ticketColumns), s.score FROM scores s JOIN tickets t ON t.id = s.id
            \(resolvedOnly ? "WHERE t.status IN ('resolved', 'closed')" : "")
            ORDER BY s.score DESC, t.id LIMIT $\(binds.count)
            """
        return try await client.withConnection { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).map { row in
                let ticket = try Self.ticket(row)
                let score = try row.makeRandomAccess()[14].decode(Double.self)
                return TicketHit(ticketID: ticket.id, ticket: ticket.ticket, score: score)
            }
        }
    }

    public func ticketHits(ids: [Int64]) async throws -> [Int64: TicketHit] {
        guard !ids.isEmpty else { return [:] }
        return try await client.withConnection { connection in
            let rows = try await connection.rows(
                "SELECT \(unescaped: Self.ticketColumns) FROM tickets t WHERE t.id = ANY (\(ids)::bigint[])", logger: logger)
            return Dictionary(uniqueKeysWithValues: try rows.map { row in
                let ticket = try Self.ticket(row)
                return (ticket.id, TicketHit(ticketID: ticket.id, ticket: ticket.ticket, score: 0))
            })
        }
    }

    public func tickets(_ query: TicketQuery) async throws -> [TicketSummary] {
        var binds = PostgresBindings()
        func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions: [String] = []
        if let status = query.status { conditions.append("t.status = \(bind(status.rawValue))") }
        if let category = query.category { conditions.append("t.category = \(bind(category))") }
        if let priority = query.priority { conditions.append("t.priority = \(bind(priority.rawValue))") }
        if let queue = query.queue { conditions.append("coalesce(p.queue, p.category) = \(bind(queue))") }
        if let language = query.language {
            let tag = bind(language)
            conditions.append("(lower(t.language) = lower(\(tag)) OR starts_with(lower(t.language), lower(\(tag)) || '-'))")
        }
        if let needsHuman = query.needsHuman { conditions.append(needsHuman ? "p.abstained" : "NOT p.abstained") }
        if let since = query.createdSince { conditions.append("coalesce(t.created_at, t.ingested_at) >= \(bind(since))") }
        if let text = query.text {
            // Every word (as a term of the keyword analyzer) must occur: the documents holding all of them.
            let terms = KeywordPostings.queryTerms(text)
            guard !terms.isEmpty else { return [] }
            conditions.append("""
                t.id IN (SELECT ticket_id FROM ticket_postings WHERE term = ANY (\(bind(terms))::text[])
                         GROUP BY ticket_id HAVING count(*) = \(bind(terms.count)))
                """)
        }
        // SLA: the first-response deadline, and the risk now (as `SLAPolicy.risk`).
        let hours = "(CASE t.priority "
            + Priority.allCases.map { "WHEN '\($0.rawValue)' THEN \(bind(query.sla.hours[$0] ?? 24))::float8" }.joined(separator: " ")
            + " ELSE \(bind(query.sla.hours[.p3] ?? 24))::float8 END)"
        let answered = "t.status IN ('resolved', 'closed')"
        let deadline = "(t.created_at + \(hours) * interval '1 hour')"
        let warn = "(t.created_at + \(hours) * \(bind(query.sla.warnAt))::float8 * interval '1 hour')"
        let risk = """
            CASE WHEN t.created_at IS NULL OR \(answered) THEN 'ok' WHEN now() >= \(deadline) THEN 'breached'
                 WHEN now() >= \(warn) THEN 'at_risk' ELSE 'ok' END
            """
        if let slaRisk = query.slaRisk { conditions.append("(\(risk)) = \(bind(slaRisk.rawValue))") }
        let order = switch query.order {
        case .newest: "coalesce(t.created_at, t.ingested_at) DESC, t.id DESC"
        case .slaDeadline: "(\(answered) OR t.created_at IS NULL), \(deadline), t.id"
        }
        let sql = """
            SELECT \(Self.ticketColumns), p.model_version, p.category, p.queue, p.suggested_category, p.confidence,
                   p.abstained, p.priority, p.details, p.created_at
            FROM tickets t
            LEFT JOIN predictions p ON p.id = (SELECT max(id) FROM predictions WHERE ticket_id = t.id)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY \(order) LIMIT \(bind(query.limit)) OFFSET \(bind(query.offset))
            """
        return try await client.withConnection { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).map { row in
                let ticket = try Self.ticket(row).ticket
                let columns = row.makeRandomAccess()
                let model = try columns[14].decode(String?.self)
                let prediction: StoredPrediction? = try model.map { model in
                    StoredPrediction(
                        ticketExternalID: ticket.externalID, modelVersion: model,
                        category: try columns[15].decode(String?.self), queue: try columns[16].decode(String?.self),
                        suggestedCategory: try columns[17].decode(String.self),
                        confidence: try columns[18].decode(Double.self), abstained: try columns[19].decode(Bool.self),
                        priority: try columns[20].decode(String?.self).flatMap(Priority.init(rawValue:)),
                        details: try columns[21].decode(String.self), createdAt: try columns[22].decode(Date.self))
                }
                return TicketSummary(ticket: ticket, prediction: prediction)
            }
        }
    }

    // MARK: Row mapping

    /// The columns `ticket(_:)` reads, first in a row (of `tickets t`).
    static let ticketColumns = """
        t.id, t.external_id, t.subject, t.body, t.customer, t.channel, t.language, t.category, t.priority, t.status, \
        t.created_at, t.resolved_at, t.resolution, t.extra
        """

    /// A ticket and its row id from the first 14 columns of a row (`ticketColumns`).
    static func ticket(_ row: PostgresRow) throws -> (id: Int64, ticket: Ticket) {
        let columns = row.makeRandomAccess()
        let extra = try columns[13].decode(String.self)
        let ticket = Ticket(
            externalID: try columns[1].decode(String.self), subject: try columns[2].decode(String?.self),
            body: try columns[3].decode(String.self), customer: try columns[4].decode(String?.self),
            channel: try columns[5].decode(String?.self), language: try columns[6].decode(String?.self),
            category: try columns[7].decode(String?.self),
            priority: try columns[8].decode(String?.self).flatMap(Priority.init(rawValue:)),
            status: try columns[9].decode(String?.self).flatMap(TicketStatus.init(rawValue:)),
            createdAt: try columns[10].decode(Date?.self), resolvedAt: try columns[11].decode(Date?.self),
            resolution: try columns[12].decode(String?.self),
            extra: try JSONDecoder().decode([String: String].self, from: Data(extra.utf8)))
        return (try columns[0].decode(Int64.self), ticket)
    }
}
