import Foundation
import PostgresNIO
import PostgresStore
import TestSupport

/// A fresh database on the test server (`LOCALTRIAGE_TEST_POSTGRES_URL`) for each test, dropped afterwards.
enum PostgresTestDatabase {
    /// The pool's log, errors only (it warns when a test's first query races the pool's start, which then waits).
    static var quietLogger: Logger {
        var logger = Logger(label: "localtriage.postgres.test")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` with a migrated store on a new, empty database; its pool runs in a task group meanwhile.
    static func withStore<Result: Sendable>(migrated: Bool = true,
                                            _ body: @Sendable (PostgresStore, String) async throws -> Result)
        async throws -> Result
    {
        try await withDatabase { url in
            let store = try PostgresStore(url: url, logger: quietLogger)
            return try await running(store.client) {
                if migrated { try await store.migrate() }
                return try await body(store, url)
            }
        }
    }

    /// Runs `body` with the URL of a new, empty database, dropped afterwards.
    static func withDatabase<Result: Sendable>(_ body: @Sendable (String) async throws -> Result) async throws -> Result {
        try await TestSupport.withPostgresDatabase(body)
    }

    /// Runs `body` while `client`'s pool runs, then stops the pool.
    static func running<Result: Sendable>(_ client: PostgresClient, _ body: @Sendable () async throws -> Result)
        async throws -> Result
    {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            let result = try await body()
            group.cancelAll()
            return result
        }
    }
}
