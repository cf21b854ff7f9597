import Domain
import Foundation
import Lifecycle
import Monitoring
import PostgresStore
import Store

/// Moves an embedded install up: copies an SQLite store into a PostgreSQL database table by table, ids kept, then
/// compares every table's row count and content digest (vectors included) between the two.
///
/// Resumable: rows already in the target are skipped, so after an interruption the same copy is simply run again.
/// The target must be a new database or one this copy began. Stop the instance that uses the SQLite store first: a
/// store written during the copy would not compare equal.
public struct StoreCopy: Sendable {
    /// The tables copied, every parent before its children. The change feed, SQLite's full-text tables and
    /// PostgreSQL's keyword postings and nearest-neighbour indexes are not copied: the target builds its own.
    public static let tables = [
        "tickets", "articles", "chunks", "ingest_runs", "quarantine", "audit_log", "chunk_embeddings", "ticket_embeddings",
        "predictions", "drafts", "training_runs", "model_versions", "model_evaluations", "frozen_evaluation_sets",
        "model_aliases", "alias_history", "api_keys", "ui_sessions", "draft_feedback", "route_corrections",
        "shadow_predictions", "answers", "answer_examples", "answer_calibration", "search_settings", "shared_files",
    ]

    /// One table, compared after the copy.
    public struct TableReport: Sendable, Codable, Equatable {
        public var table: String
        public var sourceRows: Int
        public var targetRows: Int
        /// Rows this run inserted (fewer than `sourceRows` when it resumed an earlier one).
        public var copied: Int
        public var sourceDigest: String
        public var targetDigest: String
        public var equal: Bool
    }

    public struct Report: Sendable, Codable, Equatable {
        public var source: String
        public var target: String
        /// True when the target already held part (or all) of this copy.
        public var resumed: Bool
        public var tables: [TableReport]
        public var seconds: Double
        /// Every table has the same rows in both stores.
        public var equal: Bool
    }

    public var source: StoreConfiguration
    public var target: StoreConfiguration
    /// Rows per insert statement (fewer for wide tables: PostgreSQL takes at most 65,535 parameters).
    public var batchSize = 1_000
    /// The home of the SQLite store's instance: its router versions and latest monitor report that the store does
    /// not hold yet (written before it kept them) are saved into it first, and so go with the copy.
    public var home: URL?

    public init(from source: StoreConfiguration, to target: StoreConfiguration, home: URL? = nil) {
        self.source = source
        self.target = target
        self.home = home
    }

    /// Copies, then compares. `progress` hears each batch: the table and the rows this run has inserted into it.
    public func run(progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws -> Report {
        guard case .sqlite(let path) = source.backend else {
            throw StoreError("store copy reads an SQLite store (sqlite:PATH), not \(source)", code: .invalid)
        }
        guard case .postgres(let url) = target.backend else {
            throw StoreError("store copy writes to PostgreSQL (postgres://…), not \(target)", code: .invalid)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("there is no SQLite store at \(path)", code: .notFound)
        }
        let started = ContinuousClock.now
        let from = try source.openSQLite()
        if let home { try await Self.shareHomeFiles(of: home, in: from) }
        let into = try PostgresStore(url: url, logger: .store)
        return try await into.whileRunning {
            try await into.migrate()
            let state = try await into.copyState(source: source.description)
            if !state.began, try await into.holdsData() {
                throw StoreError("\(target) already holds data that no copy of \(source) put there: copy into a new database",
                                 code: .conflict)
            }
            try await into.recordCopy(source: source.description, finished: false)
            var copied: [String: Int] = [:]
            var plans: [(table: String, columns: [PostgresStore.CopiedColumn])] = []
            for table in Self.tables {
                let columns = try await Self.columns(of: table, from: from, into: into)
                plans.append((table, columns))
                copied[table] = try await copy(table, columns: columns, from: from, into: into) { progress(table, $0) }
            }
            try await into.finishImport(tables: Self.tables)
            var tables: [TableReport] = []
            for (table, columns) in plans {
                let expected = try from.tableDigest(table, columns: columns.map { ($0.name, $0.kind) })
                let found = try await into.tableDigest(table, columns: columns)
                tables.append(TableReport(table: table, sourceRows: expected.rows, targetRows: found.rows, copied: copied[table] ?? 0,
                                          sourceDigest: expected.hex, targetDigest: found.hex, equal: expected == found))
            }
            let equal = tables.allSatisfy(\.equal)
            if equal { try await into.recordCopy(source: source.description, finished: true) }
            return Report(source: source.description, target: target.description, resumed: state.began, tables: tables,
                          seconds: (ContinuousClock.now - started).seconds, equal: equal)
        }
    }

    /// The columns both stores have, in the target's order. A source column the target lacks would be lost, and
    /// a target column the source lacks must be one the database fills in (an identity).
    static func columns(of table: String, from: SQLiteStore, into: PostgresStore) async throws -> [PostgresStore.CopiedColumn] {
        guard let sourceColumns = try from.tableColumns(table) else {
            throw StoreError("the SQLite store has no table \(table): open it once with this build to migrate it", code: .invalid)
        }
        guard let targetColumns = try await into.copyColumns(table) else {
            throw StoreError("the PostgreSQL database has no table \(table): run `localtriage store migrate`", code: .invalid)
        }
        if let lost = sourceColumns.first(where: { name in !targetColumns.contains { $0.name == name } }) {
            throw StoreError("\(table).\(lost) has no place in PostgreSQL's schema: nothing was copied of it", code: .invalid)
        }
        if let unfilled = targetColumns.first(where: { !$0.identity && !sourceColumns.contains($0.name) }) {
            throw StoreError("PostgreSQL's \(table).\(unfilled.name) has no source column in SQLite", code: .invalid)
        }
        return targetColumns.filter { sourceColumns.contains($0.name) }
    }

    /// Copies one table in rowid order, from after the largest id the target holds when ids are SQLite's rowids
    /// (an integer identity `id`), else from the start with rows already there skipped. Returns the rows inserted.
    func copy(_ table: String, columns: [PostgresStore.CopiedColumn], from: SQLiteStore, into: PostgresStore,
              progress: (Int) -> Void) async throws -> Int {
        var after: Int64 = 0
        if columns.contains(where: { $0.name == "id" && $0.identity && $0.kind == .integer }) {
            after = try await into.largestID(table) ?? 0
        }
        let batch = max(1, min(batchSize, 30_000 / max(1, columns.count)))
        var inserted = 0
        while true {
            let rows = try from.exportRows(table, columns: columns.map(\.name), after: after, limit: batch)
            guard let last = rows.last else { return inserted }
            inserted += try await into.importRows(table, columns: columns, rows: rows.map(\.values))
            after = last.rowid
            progress(inserted)
        }
    }

    /// Saves into `store` the folders of `home` it does not hold yet: each router version, the monitor's report.
    static func shareHomeFiles(of home: URL, in store: SQLiteStore) async throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: RouterArtifact.root(home: home).path)) ?? []
        let folders = versions.filter { $0.hasPrefix("router-") }.sorted().map { RouterArtifact.folder(version: $0) }
            + (FileManager.default.fileExists(atPath: MonitorReport.directory(home: home).path) ? [MonitorReport.folder] : [])
        for folder in folders where try await store.sharedFiles(under: folder + "/").isEmpty {
            try await store.publishFolder(folder, home: home)
        }
    }
}
