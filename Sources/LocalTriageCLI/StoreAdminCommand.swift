import Application
import ArgumentParser
import Foundation
import Store

/// `localtriage store migrate|copy`: the store's schema brought to this build's version; an embedded store moved
/// to PostgreSQL.
struct StoreAdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Manage the store itself (schema migrations, moving to PostgreSQL).",
        subcommands: [Migrate.self, Copy.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the store's pending schema migrations (once per upgrade of a shared PostgreSQL database).",
            discussion: """
                A new PostgreSQL database gets its schema when any command first opens it; an existing one whose schema \
                is older than this build is refused until this command has run (replicas running together apply each \
                migration once, under a lock). SQLite applies its migrations whenever it opens.
                """)
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let status = try await global.storeConfiguration().migrate()
            if global.json { return try Report.json(status) }
            print("Store: \(status.store)")
            print(status.applied.isEmpty ? "schema current: \(status.current)"
                  : "applied \(status.applied.count) migration(s): \(status.applied.joined(separator: ", ")); schema now \(status.current)")
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an embedded SQLite store into a new PostgreSQL database, then compare every table.",
            discussion: """
                Every row keeps its id; vectors, keys, the audit log and the model registry go too. Afterwards each \
                table's row count and content digest are compared between the two stores, and the command exits 1 \
                unless all are equal. Interrupted, it is resumed by running it again. Stop the server using the \
                SQLite store first. Example: localtriage store copy sqlite:store.sqlite postgres://triage@db/localtriage
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The SQLite store: sqlite:PATH (a relative path is inside the home).") var source: String
        @Argument(help: "The PostgreSQL database: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.") var target: String
        @Option(help: "Rows per insert statement.") var batchSize = 1_000

        func run() async throws {
            let home = try global.homeDirectory()
            let configurations = try [source, target].map { url in
                do { return try StoreConfiguration(url: url, home: home) } catch let error as StoreError {
                    throw ValidationError(error.description)
                }
            }
            var copy = StoreCopy(from: configurations[0], to: configurations[1], home: try global.homeDirectory())
            copy.batchSize = batchSize
            let batch = batchSize
            let report = try await copy.run { table, rows in
                if rows % 10_000 < batch { Report.note("\(table): \(rows) rows copied") }
            }
            if global.json { try Report.json(report) } else {
                print("Copied \(report.source) → \(report.target) in \(String(format: "%.1f", report.seconds)) s"
                      + (report.resumed ? " (resumed)" : ""))
                print(Report.table([["table", "rows in SQLite", "rows in PostgreSQL", "copied now", "equal"]] + report.tables.map {
                    [$0.table, String($0.sourceRows), String($0.targetRows), String($0.copied), $0.equal ? "yes" : "NO"]
                }))
                print(report.equal ? "every table is equal in both stores" : "SOME TABLES DIFFER: see above")
            }
            if !report.equal { throw ExitCode(1) }
        }
    }
}
