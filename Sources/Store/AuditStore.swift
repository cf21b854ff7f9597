import Foundation

/// The audit log: append-only (the store refuses updates and deletes), newest first when read.
public protocol AuditStore: Sendable {
    func appendAudit(_ event: AuditEvent) async throws
    func auditLog(limit: Int) async throws -> [AuditEvent]
}
