import Domain
import Foundation
import PostgresNIO
import Store

/// The audit log; the database itself refuses UPDATE, DELETE and TRUNCATE on it (a trigger).
extension PostgresStore: AuditStore {
    public func appendAudit(_ event: AuditEvent) async throws {
        try await client.withConnection { connection in try await Self.insertAudit(event, connection, logger: logger) }
    }

    public func auditLog(limit: Int) async throws -> [AuditEvent] {
        let rows = try await client.query(
            "SELECT at, actor, action, target, details FROM audit_log ORDER BY id DESC LIMIT \(limit)", logger: logger)
        var events: [AuditEvent] = []
        for try await (at, actor, action, target, details) in rows.decode((Date, String, String, String, String).self) {
            events.append(AuditEvent(at: at, actor: actor, action: action, target: target, details: details))
        }
        return events
    }

    /// Appends an event on a connection (inside the caller's transaction, when it has one).
    static func insertAudit(_ event: AuditEvent, _ connection: PostgresConnection, logger: Logger) async throws {
        try refuseNUL([event.actor, event.action, event.target, event.details], in: "audit event")
        try await connection.query("""
            INSERT INTO audit_log (at, actor, action, target, details)
            VALUES (\(event.at), \(event.actor), \(event.action), \(event.target), \(event.details))
            """, logger: logger)
    }
}
