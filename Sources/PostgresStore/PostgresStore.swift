import Domain
import Foundation
import PostgresNIO
import Store
import Synchronization

/// The store on PostgreSQL with pgvector, through a `PostgresClient` connection pool.
///
/// The pool works only while its service runs: put `client` in a `ServiceGroup`, or call the store inside
/// `whileRunning`, and call `migrate()` once it runs. It implements every protocol of `StoreBackend` (the
/// conformance suite runs on it); `StoreConfiguration.withStore` (Application) opens it from a `postgres://` URL.
public final class PostgresStore: Sendable {
    /// The connection pool; run it as a service (`ServiceGroup`, or `run()` in a task).
    public let client: PostgresClient
    let logger: Logger
    /// `HOST:PORT/DATABASE`, for messages (never the password).
    let endpoint: String

    /// A store for `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
    public init(url: String, logger: Logger = Logger(label: "localtriage.postgres")) throws {
        let configuration = try Self.configuration(url: url)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.endpoint = "\(configuration.host ?? "?"):\(configuration.port ?? 5432)/\(configuration.database ?? "")"
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

    /// Runs `body` while the connection pool runs, then stops the pool and waits for it: for programs without a
    /// `ServiceGroup` (a CLI command, a test).
    /// PostgreSQL's errors come out as `StoreError`s that say what happened.
    public func whileRunning<Result>(_ body: () async throws -> Result) async throws -> Result {
        let pool = Task { [client] in await client.run() }
        do {
            do {
                try await client.query("SELECT 1", logger: logger)
            } catch let error as PSQLError where error.serverInfo != nil {
                throw error
            } catch {
                throw StoreError("PostgreSQL at \(endpoint) cannot be reached: \(error)", code: .unavailable)
            }
            let result = try await body()
            await Self.stop(pool, logger: logger)
            return result
        } catch {
            await Self.stop(pool, logger: logger)
            throw (error as? PSQLError)?.storeError ?? error
        }
    }

    /// Cancels a pool's `run()` task and waits for it to end, at most `limit`. PostgresNIO's pool can fail to end
    /// after cancellation (seen in the test suite: a test waited an hour for it with no connection left open); its
    /// caller then goes on and the task is left to end, or not, on its own.
    public static func stop(_ pool: Task<Void, Never>, within limit: Duration = .seconds(10), logger: Logger) async {
        pool.cancel()
        let resumed = Mutex(false)
        let ended = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let resume = { @Sendable (ended: Bool) in
                if resumed.withLock({ done in defer { done = true }; return !done }) { continuation.resume(returning: ended) }
            }
            Task { await pool.value; resume(true) }
            Task { try? await Task.sleep(for: limit); resume(false) }
        }
        if !ended { logger.warning("the PostgreSQL connection pool did not stop within \(limit); left to stop on its own") }
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

    /// The schema migrations this build knows, oldest first, each named `vVERSION-NAME` (as SQLite's are).
    public static var migrationNames: [Int: String] {
        Dictionary(uniqueKeysWithValues: PostgresSchema.migrations.map { ($0.version, "v\($0.version)-\($0.name)") })
    }

    /// The versions this build knows that the database has not applied, oldest first (all of them on an empty
    /// database).
    public func pendingMigrations() async throws -> [Int] {
        var present = false
        for try await exists in try await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            .decode(Bool.self) { present = exists }
        let applied = present ? Set(try await appliedMigrations()) : []
        return PostgresSchema.migrations.map(\.version).filter { !applied.contains($0) }
    }

    /// The migration versions recorded in the database, oldest first.
    public func appliedMigrations() async throws -> [Int] {
        let rows = try await client.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger)
        var versions: [Int] = []
        for try await version in rows.decode(Int.self) { versions.append(version) }
        return versions
    }
}

// MARK: Errors

extension PSQLError: StoreFailureConvertible {
    /// What went wrong, from the server's message and SQLSTATE (a constraint is a conflict, bad data is invalid, a
    /// full disk is full), or the connection's failure (unavailable).
    public var storeError: StoreError {
        guard let info = serverInfo, let message = info[.message] else {
            let cause = underlying.map { ": \($0)" } ?? ""
            return StoreError("PostgreSQL cannot be reached or dropped the connection (\(code))\(cause)", code: .unavailable)
        }
        let state = info[.sqlState] ?? ""
        let detail = info[.detail].map { " (\($0))" } ?? ""
        let kind: StoreError.Code = switch state.prefix(2) {
        case "23": .conflict
        case "22": .invalid
        case "53" where state == "53100": .full
        default: .unavailable
        }
        return StoreError("PostgreSQL: \(message)\(detail) [SQLSTATE \(state)]", code: kind)
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
