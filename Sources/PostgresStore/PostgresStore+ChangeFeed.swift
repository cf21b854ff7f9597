import Domain
import Foundation
import PostgresNIO
import Store

/// The change feed in commit order. Rows are numbered when their transaction commits (a deferred trigger under
/// the counter row's lock; see schema v2), so a committed number is visible only once every lower one is: a
/// follower that has read up to N never misses a change that commits later.
extension PostgresStore: ChangeFeed {
    public func changes(_ kind: ChangeKind, since sequence: Int64, limit: Int) async throws -> [StoreChange] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT sequence, item_id FROM changes WHERE kind = \(kind.rawValue) AND sequence > \(sequence)
                ORDER BY sequence LIMIT \(limit)
                """, logger: logger).map { row in
                let (sequence, item) = try row.decode((Int64, Int64).self)
                return StoreChange(sequence: sequence, kind: kind, itemID: item)
            }
        }
    }

    public func latestChange(_ kind: ChangeKind) async throws -> Int64 {
        let rows = try await client.query(
            "SELECT coalesce(max(sequence), 0)::bigint FROM changes WHERE kind = \(kind.rawValue)", logger: logger)
        for try await latest in rows.decode(Int64.self) { return latest }
        return 0
    }
}
