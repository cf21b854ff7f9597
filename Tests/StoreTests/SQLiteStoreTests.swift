import Domain
import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// What only the embedded backend promises: WAL mode, and an audit log that SQL itself cannot change.
@Suite struct SQLiteStoreTests {
    private func makeStore() throws -> (SQLiteStore, URL) {
        let home = try TestSupport.temporaryDirectory("store")
        return (try SQLiteStore(home: home), home)
    }

    @Test func theAuditLogIsAppendOnly() async throws {
        let (store, home) = try makeStore()
        try await store.appendAudit(AuditEvent(actor: "admin", action: "key.create", target: "key-1"))
        #expect(try await store.auditLog(limit: 5).map(\.action) == ["key.create"])
        let db = try DatabaseQueue(path: home.appendingPathComponent("store.sqlite").path)
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "DELETE FROM audit_log") } }
        #expect(throws: DatabaseError.self) { try db.write { try $0.execute(sql: "UPDATE audit_log SET actor = 'x'") } }
        #expect(try await store.auditLog(limit: 5).count == 1)
    }

    @Test func theDatabaseRunsInWALMode() throws {
        let (_, home) = try makeStore()
        let db = try DatabaseQueue(path: home.appendingPathComponent("store.sqlite").path)
        #expect(try db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }
}
