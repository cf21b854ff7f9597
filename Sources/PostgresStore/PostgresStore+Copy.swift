import Domain
import Foundation
import PostgresNIO
import Store

/// Table-level import for `localtriage store copy`: rows arrive as the embedded store holds them, keep their ids,
/// and go in idempotently (a row already there is skipped), so an interrupted copy is resumed by running it again.
extension PostgresStore {
    /// A column as the copy sees it.
    public struct CopiedColumn: Sendable, Equatable {
        public var name: String
        public var kind: CopiedColumnKind
        /// Filled in by the database (`GENERATED ALWAYS AS IDENTITY` of a column the embedded store lacks).
        public var identity: Bool
    }

    /// The columns of `table` in this database (nil when there is no such table).
    public func copyColumns(_ table: String) async throws -> [CopiedColumn]? {
        let rows = try await client.query("""
            SELECT column_name, data_type, udt_name, is_identity FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position
            """, logger: logger)
        var columns: [CopiedColumn] = []
        for try await (name, type, udt, identity) in rows.decode((String, String, String, String).self) {
            let kind: CopiedColumnKind
            switch (type, udt) {
            case ("bigint", _), ("integer", _), ("smallint", _): kind = .integer
            case ("double precision", _), ("real", _): kind = .real
            case ("boolean", _): kind = .boolean
            case ("timestamp with time zone", _), ("timestamp without time zone", _): kind = .timestamp
            case (_, "vector"): kind = .vector
            case ("text", _), ("character varying", _): kind = .text
            default: throw StoreError("\(table).\(name) has type \(type), which a store copy does not know", code: .invalid)
            }
            columns.append(CopiedColumn(name: name, kind: kind, identity: identity == "YES"))
        }
        return columns.isEmpty ? nil : columns
    }

    /// Where a copy from `source` into this database stands: nil when none was begun, else whether it finished.
    public func copyState(source: String) async throws -> (began: Bool, finished: Bool) {
        var state = (began: false, finished: false)
        for try await finished in try await client.query(
            "SELECT finished_at IS NOT NULL FROM store_copies WHERE source = \(source)", logger: logger).decode(Bool.self) {
            state = (true, finished)
        }
        return state
    }

    /// True when the database holds tickets, articles, keys or audit events (it is not a new one).
    public func holdsData() async throws -> Bool {
        var holds = false
        for try await any in try await client.query("""
            SELECT EXISTS (SELECT 1 FROM tickets) OR EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM api_keys)
                OR EXISTS (SELECT 1 FROM audit_log)
            """, logger: logger).decode(Bool.self) { holds = any }
        return holds
    }

    /// Records that a copy from `source` began (again) or finished.
    public func recordCopy(source: String, finished: Bool) async throws {
        try await client.query("""
            INSERT INTO store_copies (source, finished_at) VALUES (\(source), CASE WHEN \(finished) THEN now() END)
            ON CONFLICT (source) DO UPDATE SET finished_at = excluded.finished_at
            """, logger: logger)
    }

    /// The largest `id` in `table` (nil when it is empty).
    public func largestID(_ table: String) async throws -> Int64? {
        var largest: Int64?
        for try await id in try await client.query(PostgresQuery(unsafeSQL: "SELECT max(id)::bigint FROM \(Self.identifier(table))"),
                                                   logger: logger).decode(Int64?.self) { largest = id }
        return largest
    }

    /// Inserts `rows` (each the `columns`' values) into `table` in one statement, keeping the ids given; a row whose
    /// key is already there is skipped. Returns how many rows went in.
    @discardableResult
    public func importRows(_ table: String, columns: [CopiedColumn], rows: [[StoredValue]]) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        var bindings = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            var placeholders: [String] = []
            for (column, value) in zip(columns, row) {
                placeholders.append("$\(bindings.count + 1)" + (column.kind == .vector ? "::vector" : ""))
                try Self.bind(value, as: column, of: table, into: &bindings)
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let list = columns.map { Self.identifier($0.name) }.joined(separator: ", ")
        let sql = "INSERT INTO \(Self.identifier(table)) (\(list)) OVERRIDING SYSTEM VALUE VALUES "
            + tuples.joined(separator: ", ") + " ON CONFLICT DO NOTHING RETURNING 1"
        var inserted = 0
        try await client.withConnection { connection in
            for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) {
                inserted += 1
            }
        }
        return inserted
    }

    /// After an import: identity counters moved past the ids copied, each model's nearest-neighbour index made,
    /// keyword postings written for the tickets and chunks copied.
    public func finishImport(tables: [String]) async throws {
        try await client.withConnection { connection in
            for table in tables where try await copyColumns(table)?.contains(where: { $0.name == "id" && $0.identity }) == true {
                let name = Self.identifier(table)
                _ = try await connection.rows(PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('\(name)', 'id'), greatest(coalesce((SELECT max(id) FROM \(name)), 0), 1),
                                  (SELECT max(id) IS NOT NULL FROM \(name)))
                    """), logger: logger)
            }
            for (kind, table) in [("ticket", "ticket_embeddings"), ("chunk", "chunk_embeddings")] {
                // The models first, then one index each: CREATE INDEX cannot run while a query still reads the table.
                let models = try await connection.rows(
                    PostgresQuery(unsafeSQL: "SELECT DISTINCT model, vector_dims(vector) FROM \(table)"), logger: logger)
                    .map { try $0.decode((String, Int).self) }
                for (model, dimension) in models {
                    _ = try await connection.rows("SELECT ensure_embedding_index(\(kind), \(model), \(Int32(dimension)))", logger: logger)
                }
            }
        }
        _ = try await writeMissingKeywordPostings()
    }

    /// The digest of a table's rows over `columns`, each compared as its kind (`TableDigest`).
    public func tableDigest(_ table: String, columns: [CopiedColumn]) async throws -> TableDigest {
        let list = columns.map { column -> String in
            let name = Self.identifier(column.name)
            return switch column.kind {
            case .integer: "\(name)::bigint"
            case .real: "\(name)::float8"
            case .boolean, .timestamp: name
            case .vector: "\(name)::real[]"
            case .text: "\(name)::text"
            }
        }.joined(separator: ", ")
        var digest = TableDigest()
        try await client.withConnection { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(list) FROM \(Self.identifier(table))"), logger: logger)
            for try await row in rows {
                let cells = row.makeRandomAccess()
                var values: [String] = []
                values.reserveCapacity(columns.count)
                for (index, column) in columns.enumerated() {
                    let cell = cells[index]
                    let value: StoredValue = switch column.kind {
                    case .integer: try cell.decode(Int64?.self).map(StoredValue.integer) ?? .null
                    case .real: try cell.decode(Double?.self).map(StoredValue.real) ?? .null
                    case .boolean: try cell.decode(Bool?.self).map { .integer($0 ? 1 : 0) } ?? .null
                    case .timestamp: try cell.decode(Date?.self).map { .real($0.timeIntervalSince1970) } ?? .null
                    case .vector: try cell.decode([Float]?.self).map { StoredValue.blob(Self.bytes($0)) } ?? .null
                    case .text: try cell.decode(String?.self).map(StoredValue.text) ?? .null
                    }
                    values.append(try column.kind.canonical(value))
                }
                digest.add(values)
            }
        }
        return digest
    }

    /// A table or column name as an SQL identifier (quoted; names come from the schemas, never from input).
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Little-endian float32 bytes, as the embedded store keeps vectors.
    static func bytes(_ vector: [Float]) -> [UInt8] {
        vector.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) }
    }

    private static func bind(_ value: StoredValue, as column: CopiedColumn, of table: String,
                             into bindings: inout PostgresBindings) throws {
        func refuse() -> StoreError {
            StoreError("\(table).\(column.name) holds \(value), which is not a \(column.kind.rawValue)", code: .invalid)
        }
        switch (column.kind, value) {
        case (_, .null): bindings.appendNull()
        case (.integer, .integer(let v)): bindings.append(v)
        case (.integer, .real(let v)) where v == v.rounded(): bindings.append(Int64(v))
        case (.real, .integer(let v)): bindings.append(Double(v))
        case (.real, .real(let v)): bindings.append(v)
        case (.boolean, .integer(let v)): bindings.append(v != 0)
        case (.timestamp, _):
            guard let date = CopiedColumnKind.date(value) else { throw refuse() }
            bindings.append(date)
        case (.vector, .blob(let bytes)):
            guard bytes.count % 4 == 0 else { throw refuse() }
            let vector = bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            }
            bindings.append(vectorText(vector))
        case (.text, .text(let v)):
            try refuseNUL([v], in: "\(table).\(column.name)")
            bindings.append(v)
        case (.text, .integer(let v)): bindings.append(String(v))
        default: throw refuse()
        }
    }
}
