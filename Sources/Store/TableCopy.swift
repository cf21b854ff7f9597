import Domain
import Foundation
import GRDB

/// A value as the embedded store holds it, for copying a store table by table (`localtriage store copy`).
public enum StoredValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// How a column's values are compared between two stores: the same value in either store gives the same canonical
/// text, whatever its representation there (a DATETIME text in SQLite, a `timestamptz` in PostgreSQL).
public enum CopiedColumnKind: String, Sendable {
    case integer, real, boolean, timestamp, vector, text

    /// The canonical text of `value` in a column of this kind; throws when the value cannot be one.
    public func canonical(_ value: StoredValue) throws -> String {
        switch (self, value) {
        case (_, .null): return "∅"
        case (.integer, .integer(let v)): return String(v)
        case (.integer, .real(let v)) where v == v.rounded(): return String(Int64(v))
        case (.real, .integer(let v)): return String(Double(v).bitPattern, radix: 16)
        case (.real, .real(let v)): return String(v.bitPattern, radix: 16)
        case (.boolean, .integer(let v)): return v == 0 ? "false" : "true"
        case (.timestamp, _):
            guard let date = try? Date.fromDatabaseValue(Self.databaseValue(value)) else { break }
            return String(Int64((date.timeIntervalSince1970 * 1_000).rounded()))  // stores keep milliseconds
        case (.vector, .blob(let bytes)): return ContentHash.hex(bytes)
        case (.text, .text(let v)): return v
        case (.text, .integer(let v)): return String(v)
        default: break
        }
        throw StoreError("a \(rawValue) column holds \(value), which is not one", code: .invalid)
    }

    /// The date `value` holds (SQLite's DATETIME text, or a number of seconds since 1970).
    public static func date(_ value: StoredValue) -> Date? {
        Date.fromDatabaseValue(databaseValue(value))
    }

    static func databaseValue(_ value: StoredValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let v): v.databaseValue
        case .real(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .blob(let v): Data(v).databaseValue
        }
    }
}

/// An order-independent digest of a table's rows: the sum (mod 2²⁵⁶) of each row's SHA-256 over its canonical
/// values. Two stores hold the same rows exactly when their digests and counts agree, whatever order they list
/// them in.
public struct TableDigest: Sendable, Equatable {
    public private(set) var rows = 0
    private var lanes: [UInt64] = [0, 0, 0, 0]

    public init() {}

    /// Adds one row, its values in the digest's column order.
    public mutating func add(_ canonicalValues: [String]) {
        let digest = ContentHash.digest(texts: canonicalValues)
        for lane in 0..<4 {
            var word: UInt64 = 0
            for byte in digest[(lane * 8)..<(lane * 8 + 8)] { word = word << 8 | UInt64(byte) }
            lanes[lane] = lanes[lane] &+ word
        }
        rows += 1
    }

    /// The digest as hex.
    public var hex: String {
        lanes.map { String(repeating: "0", count: 16 - String($0, radix: 16).count) + String($0, radix: 16) }.joined()
    }
}

extension SQLiteStore {
    /// The columns of a table (nil when there is no such table).
    public func tableColumns(_ table: String) throws -> [String]? {
        let columns = try pool.read { db in try db.columns(in: table).map(\.name) }
        return columns.isEmpty ? nil : columns
    }

    /// Up to `limit` rows of `table` after `rowid`, in rowid order: each its rowid and the `columns`' values.
    public func exportRows(_ table: String, columns: [String], after rowid: Int64, limit: Int) throws
        -> [(rowid: Int64, values: [StoredValue])]
    {
        let list = columns.map { $0.quotedDatabaseIdentifier }.joined(separator: ", ")
        return try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT rowid, \(list) FROM \(table.quotedDatabaseIdentifier) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                             arguments: [rowid, limit]).map { row in
                (row[0], (1...columns.count).map { Self.storedValue(row[$0] as DatabaseValue) })
            }
        }
    }

    /// The digest of a table's rows over `columns`, each compared as its kind.
    public func tableDigest(_ table: String, columns: [(name: String, kind: CopiedColumnKind)]) throws -> TableDigest {
        let list = columns.map { $0.name.quotedDatabaseIdentifier }.joined(separator: ", ")
        return try pool.read { db in
            var digest = TableDigest()
            let rows = try Row.fetchCursor(db, sql: "SELECT \(list) FROM \(table.quotedDatabaseIdentifier)")
            while let row = try rows.next() {
                digest.add(try columns.indices.map { try columns[$0].kind.canonical(Self.storedValue(row[$0] as DatabaseValue)) })
            }
            return digest
        }
    }

    static func storedValue(_ value: DatabaseValue) -> StoredValue {
        switch value.storage {
        case .null: .null
        case .int64(let v): .integer(v)
        case .double(let v): .real(v)
        case .string(let v): .text(v)
        case .blob(let v): .blob(Array(v))
        }
    }
}
