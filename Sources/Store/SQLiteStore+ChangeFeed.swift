import Foundation
import GRDB
import NIOConcurrencyHelpers

extension SQLiteStore {
    public func changes(_ kind: ChangeKind, since sequence: Int64, limit: Int) async throws -> [StoreChange] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT sequence, item_id FROM changes WHERE kind = ? AND sequence > ? ORDER BY sequence LIMIT ?
                """), arguments: [kind.rawValue, sequence, limit]).map { row in
                StoreChange(sequence: row["sequence"], kind: kind, itemID: row["item_id"])
            }
        }
    }

    public func latestChange(_ kind: ChangeKind) async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(sequence) FROM changes WHERE kind = ?"),
                               arguments: [kind.rawValue]) ?? 0
        }
    }

    public func nearest(_ kind: EmbeddedKind, to vector: [Float], model: String, k: Int,
                        filter: NearestFilter) async throws -> [Neighbor] {
        let index = try await nearestIndexes.current(kind, model: model, widthIfEmpty: vector.count, store: self)
        return try index.nearest(to: vector, k: k, filter: filter)
    }
}

/// The embedded store's nearest-neighbour search: the vectors of each kind and model in an exact in-memory
/// index, loaded in full once and then kept current from the change feed (only changed items are read again).
final class NearestIndexes: Sendable {
    struct Key: Hashable {
        var kind: EmbeddedKind
        var model: String
    }

    /// One kind and model's vectors, with what filters need, as of a change-feed position.
    struct Loaded: Sendable {
        var index: VectorIndex
        var categories: [Int64: String] = [:]
        var resolved: Set<Int64> = []
        var sequence: Int64

        func nearest(to vector: [Float], k: Int, filter: NearestFilter) throws -> [Neighbor] {
            let allowed: ((Int64) -> Bool)? = switch (filter.category, filter.resolvedOnly) {
            case (nil, false): nil
            case (let category?, false): { categories[$0] == category }
            case (nil, true): { resolved.contains($0) }
            case (let category?, true): { categories[$0] == category && resolved.contains($0) }
            }
            return try index.search(vector, k: k, allowed: allowed).map { Neighbor(id: $0.id, similarity: $0.score) }
        }

        mutating func apply(_ vector: StoredVector) throws {
            try index.add(id: vector.id, vector: vector.vector)
            categories[vector.id] = vector.category
            if vector.resolved { resolved.insert(vector.id) } else { resolved.remove(vector.id) }
        }

        mutating func remove(_ id: Int64) {
            index.remove(id: id)
            categories[id] = nil
            resolved.remove(id)
        }
    }

    /// More changes than this since the last read reload everything instead.
    static let reloadAfter = 10_000
    private let loaded = NIOLockedValueBox<[Key: Loaded]>([:])

    /// The index as of now: changes since the last call applied (one indexed read when there are none). Its width
    /// is the stored vectors' (`widthIfEmpty` while there are none).
    func current(_ kind: EmbeddedKind, model: String, widthIfEmpty: Int, store: SQLiteStore) async throws -> Loaded {
        let key = Key(kind: kind, model: model)
        let feed: ChangeKind = kind == .chunk ? .chunk : .ticket
        if let previous = loaded.withLockedValue({ $0[key] }) {
            let changes = try await store.changes(feed, since: previous.sequence, limit: Self.reloadAfter)
            guard let last = changes.last?.sequence else { return previous }
            let ids = changes.map(\.itemID)
            let fresh = try await store.pool.read { db in try SQLiteStore.storedVectors(db, kind, model: model, ids: ids) }
            // Too many changes, or the first vectors of a model into an empty index of another width: reload.
            if changes.count < Self.reloadAfter, fresh.allSatisfy({ $0.vector.count == previous.index.dimension }) {
                return try loaded.withLockedValue { all in
                    // Another caller moved it on meanwhile: its state is as new as ours.
                    guard var current = all[key], current.sequence == previous.sequence else { return all[key] ?? previous }
                    all[key] = nil  // the dictionary lets go, so the changes below happen in place
                    let present = Set(fresh.map(\.id))
                    for id in ids where !present.contains(id) { current.remove(id) }
                    for vector in fresh { try current.apply(vector) }
                    current.sequence = last
                    all[key] = current
                    return current
                }
            }
        }
        // A full load. The position is read first: a change made during the load is applied again by the next call.
        let sequence = try await store.latestChange(feed)
        let vectors = try await store.pool.read { db in try SQLiteStore.storedVectors(db, kind, model: model, ids: nil) }
        let width = vectors.first?.vector.count ?? widthIfEmpty
        var fresh = Loaded(index: VectorIndex(dimension: width), sequence: sequence)
        fresh.index.reserveCapacity(vectors.count)
        // Vectors of one model share a width (EmbeddingIndexer checks before saving); a stray one is left out.
        for vector in vectors where vector.vector.count == width { try fresh.apply(vector) }
        loaded.withLockedValue { $0[key] = fresh }
        return fresh
    }
}
