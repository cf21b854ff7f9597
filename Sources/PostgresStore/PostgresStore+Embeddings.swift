import Domain
import Foundation
import PostgresNIO
import Store

/// Vectors in pgvector, one per item and model, searched through one partial HNSW index per kind and model
/// (`USING hnsw ((vector::vector(N)) vector_cosine_ops) WHERE model = '…'`, created with the model's first
/// vectors by `ensure_embedding_index`).
extension PostgresStore: EmbeddingStore {
    /// `hnsw.ef_search` for a search of `k`: the candidate list HNSW keeps while it walks the graph. At least
    /// 100 (pgvector's default of 40 gives visibly lower recall@10 on sentence-embedding data) and at least
    /// twice `k`, at most pgvector's maximum of 1,000. A filtered search continues past it
    /// (`hnsw.iterative_scan = relaxed_order`) until it has `k` admitted items or `hnsw.max_scan_tuples`.
    static func efSearch(k: Int) -> Int { min(1000, max(100, 2 * k)) }

    public func itemsNeedingEmbedding(_ kind: EmbeddedKind, model: String, limit: Int) async throws
        -> [(id: Int64, text: String)] {
        let query: PostgresQuery = switch kind {
        case .chunk: """
            SELECT c.id, c.heading || E'\\n' || c.text FROM chunks c
            WHERE NOT EXISTS (SELECT 1 FROM chunk_embeddings e WHERE e.chunk_id = c.id AND e.model = \(model))
            ORDER BY c.id LIMIT \(limit)
            """
        case .ticket: """
            SELECT t.id, coalesce(t.subject || E'\\n', '') || t.body FROM tickets t
            WHERE NOT EXISTS (SELECT 1 FROM ticket_embeddings e WHERE e.ticket_id = t.id AND e.model = \(model))
            ORDER BY t.id LIMIT \(limit)
            """
        }
        return try await client.withConnection { connection in
            try await connection.rows(query, logger: logger).map { row in
                let (id, text) = try row.decode((Int64, String).self)
                return (id, text)
            }
        }
    }

    public func saveEmbeddings(_ kind: EmbeddedKind, _ vectors: [(id: Int64, vector: [Float])], model: String)
        async throws {
        guard let width = vectors.first?.vector.count else { return }
        try refuseNUL([model], in: "model key")
        guard width > 0 else { throw StoreError("an empty vector cannot be stored (model \(model))", code: .invalid) }
        for (_, vector) in vectors {
            guard vector.count == width else {
                throw StoreError(EmbeddingDimensionError(expected: width, got: vector.count,
                                                         context: "one batch of \(model) vectors").description,
                                 code: .invalid)
            }
            guard vector.allSatisfy(\.isFinite) else {
                throw StoreError("a vector of \(model) holds NaN or infinity; it cannot be stored", code: .invalid)
            }
        }
        // One vector per item: the last one given wins (as writing them one after another would).
        var latest: [Int64: [Float]] = [:]
        var order: [Int64] = []
        for (id, vector) in vectors {
            if latest.updateValue(vector, forKey: id) == nil { order.append(id) }
        }
        let texts = order.map { id in Self.vectorText(latest[id]!) }
        let (table, key, items) = Self.embeddingTable(kind)
        try await transaction { connection in
            let recorded = try await connection.rows(
                "SELECT ensure_embedding_index(\(kind.rawValue), \(model), \(width)::integer)", logger: logger)[0].decode(Int.self)
            guard recorded == width else {
                throw StoreError(EmbeddingDimensionError(expected: recorded, got: width,
                                                         context: "the stored \(kind.rawValue) vectors of \(model)").description,
                                 code: .invalid)
            }
            // Items gone meanwhile (a chunk of an article edited since it was read) are skipped.
            try await connection.query("""
                INSERT INTO \(unescaped: table) (\(unescaped: key), model, vector)
                SELECT u.id, \(model), u.vector::vector FROM unnest(\(order)::bigint[], \(texts)::text[]) AS u (id, vector)
                JOIN \(unescaped: items) i ON i.id = u.id
                ON CONFLICT (\(unescaped: key), model) DO UPDATE SET vector = excluded.vector
                """, logger: logger)
        }
    }

    public func nearest(_ kind: EmbeddedKind, to vector: [Float], model: String, k: Int,
                        filter: NearestFilter) async throws -> [Neighbor] {
        guard k > 0 else { return [] }
        guard let dimension = try await embeddingDimension(kind, model: model) else { return [] }
        try EmbeddingDimensionError.check(vector, expected: dimension, context: "the stored \(kind.rawValue) vectors of \(model)")
        guard vector.allSatisfy(\.isFinite) else { throw StoreError("the query vector holds NaN or infinity", code: .invalid) }
        let query = Self.nearestQuery(kind, to: vector, model: model, k: k, filter: filter, dimension: dimension)
        return try await transaction { connection in
            try await connection.query("""
                SELECT set_config('hnsw.ef_search', \(String(Self.efSearch(k: k))), true),
                       set_config('hnsw.iterative_scan', 'relaxed_order', true)
                """, logger: logger)
            return try await connection.rows(query, logger: logger).map { row in
                let (id, distance) = try row.decode((Int64, Double).self)
                return Neighbor(id: id, similarity: Float(1 - distance))
            }
        }
    }

    /// The nearest-neighbour query: written with the index's own expression, `(vector::vector(N)) <=> query`,
    /// and its predicate, `model = …` (the model bound; PostgreSQL plans the unnamed statement with its value,
    /// so the partial index applies). Candidates come out of the index in relaxed order and are sorted again.
    static func nearestQuery(_ kind: EmbeddedKind, to vector: [Float], model: String, k: Int, filter: NearestFilter,
                             dimension: Int) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(vector)
        binds.append(model)
        binds.append(k)
        let width = String(dimension)  // an integer from the database: safe in SQL text
        let (table, key, _) = embeddingTable(kind)
        var join = ""
        switch kind {
        case .ticket where filter.resolvedOnly:
            join = "JOIN tickets t ON t.id = e.ticket_id AND t.status IN ('resolved', 'closed')"
        case .chunk where filter.category != nil:
            binds.append(filter.category!)
            join = "JOIN chunks c ON c.id = e.chunk_id JOIN articles a ON a.id = c.article_id AND a.category = $\(binds.count)"
        default: break
        }
        let distance = "(e.vector::vector(\(width))) <=> $1::real[]::vector(\(width))"
        return PostgresQuery(unsafeSQL: """
            WITH candidates AS MATERIALIZED (
                SELECT e.\(key) AS id, \(distance) AS distance FROM \(table) e \(join)
                WHERE e.model = $2
                ORDER BY \(distance) LIMIT $3)
            SELECT id, distance FROM candidates ORDER BY distance, id
            """, binds: binds)
    }

    /// The width of a model's stored vectors of this kind (nil before its first).
    func embeddingDimension(_ kind: EmbeddedKind, model: String) async throws -> Int? {
        let rows = try await client.query(
            "SELECT dimension FROM embedding_indexes WHERE kind = \(kind.rawValue) AND model = \(model)", logger: logger)
        for try await dimension in rows.decode(Int.self) { return dimension }
        return nil
    }

    public func vectors(_ kind: EmbeddedKind, model: String) async throws -> [StoredVector] {
        let query: PostgresQuery = switch kind {
        case .chunk: """
            SELECT e.chunk_id, e.vector::real[], a.category, false FROM chunk_embeddings e
            JOIN chunks c ON c.id = e.chunk_id JOIN articles a ON a.id = c.article_id
            WHERE e.model = \(model) ORDER BY e.chunk_id
            """
        case .ticket: """
            SELECT e.ticket_id, e.vector::real[], t.category, coalesce(t.status IN ('resolved', 'closed'), false)
            FROM ticket_embeddings e JOIN tickets t ON t.id = e.ticket_id
            WHERE e.model = \(model) ORDER BY e.ticket_id
            """
        }
        return try await client.withConnection { connection in
            try await connection.rows(query, logger: logger).map { row in
                let (id, vector, category, resolved) = try row.decode((Int64, [Float], String?, Bool).self)
                return StoredVector(id: id, category: category, resolved: resolved, vector: vector)
            }
        }
    }

    public func ticketWithVector(externalID: String, model: String) async throws -> (ticket: Ticket, vector: [Float]?)? {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT \(unescaped: Self.ticketColumns), e.vector::real[] FROM tickets t
                LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model = \(model)
                WHERE t.external_id = \(externalID)
                """, logger: logger).first.map { row in
                (try Self.ticket(row).ticket, try row.makeRandomAccess()[14].decode([Float]?.self))
            }
        }
    }

    /// The table of a kind's vectors, its item column and the items' table (constants).
    static func embeddingTable(_ kind: EmbeddedKind) -> (table: String, key: String, items: String) {
        switch kind {
        case .chunk: ("chunk_embeddings", "chunk_id", "chunks")
        case .ticket: ("ticket_embeddings", "ticket_id", "tickets")
        }
    }

    /// pgvector's text form, `[x,y,…]` (finite values, shortest round-trip decimals).
    static func vectorText(_ vector: [Float]) -> String {
        "[" + vector.map { "\($0)" }.joined(separator: ",") + "]"
    }
}
