import Domain
import Foundation
import PostgresNIO
import Store

/// The store on PostgreSQL with pgvector, through a `PostgresClient` connection pool.
///
/// The pool works only while its service runs: put `client` in the server's `ServiceGroup` (or run
/// `client.run()` in a task) before the first call, and call `migrate()` once it runs.
/// It implements every protocol of `StoreBackend` (the conformance suite runs on it), but `StoreConfiguration`
/// does not open it yet: its pool must run as a service, which the CLI and the server have to arrange.
public final class PostgresStore: Sendable {
    /// The connection pool; run it as a service (`ServiceGroup`, or `run()` in a task).
    public let client: PostgresClient
    let logger: Logger

    /// A store for `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
    public init(url: String, logger: Logger = Logger(label: "localtriage.postgres")) throws {
        self.client = PostgresClient(configuration: try Self.configuration(url: url), backgroundLogger: logger)
        self.logger = logger
    }

    /// The pool configuration a URL names. TLS is off unless `sslmode` asks for it.
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
              ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty,
              let user = components.user, !user.isEmpty else {
            throw StoreError("not a PostgreSQL URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)", code: .invalid)
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let tls: PostgresClient.Configuration.TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case let other: throw StoreError("sslmode \(other) is not one of disable, prefer, require", code: .invalid)
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding, database: database.isEmpty ? nil : database,
            tls: tls)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws (its error rethrown
    /// as it is).
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}

// MARK: Migrations

extension PostgresStore {
    /// Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction under a
    /// transaction-level advisory lock (replicas starting together apply each migration once). Returns the
    /// versions applied by this call (none when the schema is current).
    @discardableResult
    public func migrate() async throws -> [Int] {
        let applied = try await migrate(upTo: Int.max)
        // Items stored before keyword search had postings (v1) get them now.
        if applied.contains(2) { try await writeMissingKeywordPostings() }
        return applied
    }

    /// Applies the pending migrations up to `last` (tests start from an older schema).
    func migrate(upTo last: Int) async throws -> [Int] {
        var applied: [Int] = []
        for migration in PostgresSchema.migrations where migration.version <= last {
            let ran = try await transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLockKey))",
                                           logger: logger)
                // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can collide in the catalog.
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                let done = try await connection.query(
                    "SELECT 1 FROM schema_migrations WHERE version = \(migration.version)", logger: logger)
                for try await _ in done { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("""
                    INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))
                    """, logger: logger)
                return true
            }
            if ran { applied.append(migration.version) }
        }
        return applied
    }

    /// The migration versions recorded in the database, oldest first.
    public func appliedMigrations() async throws -> [Int] {
        let rows = try await client.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger)
        var versions: [Int] = []
        for try await version in rows.decode(Int.self) { versions.append(version) }
        return versions
    }
}

// MARK: Row helpers

extension PostgresConnection {
    /// The rows of a query, collected.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row) }
        return rows
    }
}

/// PostgreSQL stores no NUL character in text: a value holding one is refused with a message.
func refuseNUL(_ values: [String?], in what: String) throws {
    if values.contains(where: { $0?.containsNUL == true }) {
        throw StoreError("a \(what) field contains a NUL character (U+0000), which PostgreSQL text cannot hold",
                         code: .invalid)
    }
}

/// Checked by the compiler: the PostgreSQL store is a whole `StoreBackend` (each protocol in its own file).
private func isWholeBackend(_ store: PostgresStore) -> any StoreBackend { store }
