import Application
import ArgumentParser
import Foundation
import Store

/// Options every command accepts: where the instance lives, and how to report.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Instance directory holding the store, models and logs (env LOCALTRIAGE_HOME, default ./.localtriage).",
        valueName: "dir"))
    var home: String?

    @Option(name: .long, help: ArgumentHelp(
        "The store, as a URL (env LOCALTRIAGE_STORE, default sqlite:store.sqlite inside the home).", valueName: "url"))
    var store: String?

    @Flag(name: .long, help: "Print exactly one JSON object on stdout instead of a table.")
    var json = false

    /// The store this instance uses (`--store`, else LOCALTRIAGE_STORE, else the embedded SQLite file).
    func storeConfiguration() throws -> StoreConfiguration {
        let home = try homeDirectory()
        guard let url = store ?? ProcessInfo.processInfo.environment["LOCALTRIAGE_STORE"] else {
            return .embedded(home: home)
        }
        do { return try StoreConfiguration(url: url, home: home) } catch let error as StoreError {
            throw ValidationError(error.description)
        }
    }

    /// Runs `body` with this instance's store open (PostgreSQL's connection pool runs meanwhile).
    func withStore<Result>(_ body: (any StoreBackend) async throws -> Result) async throws -> Result {
        try await storeConfiguration().withStore(body)
    }

    /// The resolved home directory, created if missing.
    func homeDirectory() throws -> URL {
        let path = home ?? ProcessInfo.processInfo.environment["LOCALTRIAGE_HOME"] ?? ".localtriage"
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A command that works on the instance's store: `run(store:)` runs with it open, PostgreSQL's pool running
/// meanwhile and stopped after.
protocol StoreCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func run(store: any StoreBackend) async throws
}

extension StoreCommand {
    func run() async throws {
        try await global.withStore { try await run(store: $0) }
    }
}
