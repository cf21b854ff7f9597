import Foundation
import Logging
import PostgresStore
import Store

/// Where the schema of a store stands, and what a `migrate` call applied.
public struct SchemaStatus: Sendable, Codable, Equatable {
    /// The store, as `StoreConfiguration.description` shows it (no password).
    public var store: String
    /// The newest schema migration this build knows, by name.
    public var current: String
    /// Migrations applied by this call, oldest first (none when the schema was already current).
    public var applied: [String]
    /// Migrations still to apply (none after a successful `migrate`).
    public var pending: [String]
}

extension Logger {
    /// The store's log: errors only (the pool's routine connection notes stay out of a command's output).
    public static var store: Logger {
        var logger = Logger(label: "localtriage.store")
        logger.logLevel = .error
        return logger
    }
}

extension StoreConfiguration {
    /// Runs `body` with the store open.
    ///
    /// SQLite: the file, created and migrated as needed. PostgreSQL: its connection pool runs while `body` does and
    /// is stopped after; a new, empty database gets the schema, while one whose schema is older than this build is
    /// refused until `localtriage store migrate` has run (an upgrade of a shared database is the operator's step,
    /// taken once, not a side effect of whichever replica starts first).
    public func withStore<Result>(logger: Logger = .store,
                                  _ body: (any StoreBackend) async throws -> Result) async throws -> Result {
        switch backend {
        case .sqlite:
            return try await body(try openSQLite())
        case .postgres(let url):
            let store = try PostgresStore(url: url, logger: logger)
            return try await store.whileRunning {
                let pending = try await store.pendingMigrations()
                if pending.count == PostgresStore.migrationNames.count {
                    try await store.migrate()
                } else if !pending.isEmpty {
                    throw StoreError("""
                        the database's schema is behind this build (missing \(pending.compactMap { PostgresStore.migrationNames[$0] }.joined(separator: ", "))): \
                        run `localtriage store migrate` once, then start again
                        """, code: .unavailable)
                }
                return try await body(store)
            }
        }
    }

    /// Applies the store's pending migrations (SQLite applies its own whenever it opens) and says where the schema
    /// stands.
    public func migrate(logger: Logger = .store) async throws -> SchemaStatus {
        switch backend {
        case .sqlite(let path):
            let applied = try SQLiteStore.migrate(path: path)
            return SchemaStatus(store: description, current: SQLiteStore.migrationNames.last ?? "", applied: applied, pending: [])
        case .postgres(let url):
            let store = try PostgresStore(url: url, logger: logger)
            let names = PostgresStore.migrationNames
            return try await store.whileRunning {
                let applied = try await store.migrate()
                return SchemaStatus(store: description, current: names[names.keys.max() ?? 0] ?? "",
                                    applied: applied.compactMap { names[$0] },
                                    pending: try await store.pendingMigrations().compactMap { names[$0] })
            }
        }
    }
}
