import Foundation
import PostgresNIO
import PostgresStore

extension TestSupport {
    /// Thrown by `withPostgresDatabase` when no test server is set (suites check `postgresURL` first and skip).
    public struct NoPostgresServer: Error, CustomStringConvertible {
        public var description: String { TestSupport.postgresSkipReason }
    }

    /// Runs `body` with the URL of a new, empty database on the test server (`LOCALTRIAGE_TEST_POSTGRES_URL`), dropped
    /// afterwards however `body` ends.
    public static func withPostgresDatabase<Result: Sendable>(_ body: @Sendable (String) async throws -> Result)
        async throws -> Result
    {
        guard let serverURL = postgresURL else { throw NoPostgresServer() }
        // A generated identifier of [a-z0-9_] only: CREATE DATABASE takes no bound parameter.
        let name = "localtriage_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var logger = Logger(label: "localtriage.postgres.test")
        logger.logLevel = .error
        let admin = PostgresClient(configuration: try PostgresStore.configuration(url: serverURL), backgroundLogger: logger)
        let pool = Task { await admin.run() }
        do {
            try await admin.query("CREATE DATABASE \(unescaped: name)")
            var components = URLComponents(string: serverURL)!
            components.path = "/" + name
            do {
                let result = try await body(components.string!)
                try await admin.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
                await PostgresStore.stop(pool, logger: logger)
                return result
            } catch {
                _ = try? await admin.query("DROP DATABASE \(unescaped: name) WITH (FORCE)")
                throw error
            }
        } catch {
            await PostgresStore.stop(pool, logger: logger)
            throw error
        }
    }
}
