import Application
import Domain
import Foundation
@testable import PostgresStore
import Store
import TestSupport
import Testing

/// Opening the store a URL names: SQLite's file, or PostgreSQL with its pool running and its schema checked.
@Suite struct StoreAccessTests {
    @Test func sqliteMigratesOnOpenAndSaysWhatItApplied() async throws {
        let home = try TestSupport.temporaryDirectory("store-access")
        let configuration = try StoreConfiguration(url: "sqlite:s.sqlite", home: home)
        let first = try await configuration.migrate()
        #expect(first.applied == SQLiteStore.migrationNames && first.pending.isEmpty)
        #expect(first.current == SQLiteStore.migrationNames.last)
        #expect(try await configuration.migrate().applied.isEmpty)
        let counted = try await configuration.withStore { try await $0.counts().tickets }
        #expect(counted == 0)
    }

    @Test(.enabled(if: TestSupport.postgresURL != nil, Comment(rawValue: TestSupport.postgresSkipReason)))
    func aNewPostgresDatabaseGetsItsSchemaAndAnOlderOneWaitsForMigrate() async throws {
        try await TestSupport.withPostgresDatabase { url in
            let configuration = try StoreConfiguration(url: url, home: TestSupport.temporaryDirectory("store-access-pg"))
            // A new database: the first command that opens it creates the schema, and the store works.
            try await configuration.withStore { store in
                try await store.appendAudit(AuditEvent(actor: "test", action: "probe", target: "x"))
            }
            let status = try await configuration.migrate()
            #expect(status.applied.isEmpty && status.pending.isEmpty)
            #expect(status.current == PostgresStore.migrationNames[PostgresStore.migrationNames.keys.max()!])
            #expect(!status.store.contains(URLComponents(string: url)?.password ?? "\u{0}"), "no password in reports")
        }
        try await TestSupport.withPostgresDatabase { url in
            // A database an older build migrated (schema v1 only) is refused, naming the command that fixes it.
            let older = try PostgresStore(url: url)
            _ = try await older.whileRunning { try await older.migrate(upTo: 1) }
            let configuration = try StoreConfiguration(url: url, home: TestSupport.temporaryDirectory("store-access-pg"))
            await #expect {
                try await configuration.withStore { _ in }
            } throws: { error in
                (error as? StoreError)?.description.contains("localtriage store migrate") == true
            }
            let status = try await configuration.migrate()
            let newer = PostgresStore.migrationNames.filter { $0.key > 1 }.sorted { $0.key < $1.key }.map(\.value)
            #expect(status.applied == newer && status.pending.isEmpty)
            let audited = try await configuration.withStore { try await $0.auditLog(limit: 5).count }
            #expect(audited == 0)
        }
    }
}
