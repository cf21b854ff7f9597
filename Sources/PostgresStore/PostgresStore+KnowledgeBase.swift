import Domain
import Foundation
import PostgresNIO
import Store

/// Knowledge-base reads, keyword search over chunks (BM25 over postings) and the search settings.
extension PostgresStore: KnowledgeBaseStore {
    public func article(externalID: String) async throws -> StoredArticle? {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT external_id, title, body, category, tags, updated_at, source, version FROM articles
                WHERE external_id = \(externalID)
                """, logger: logger).first.map { row in
                let (externalID, title, body, category, tags, updatedAt, source, version) = try row.decode(
                    (String, String, String, String?, String, Date?, String?, Int).self)
                let article = Article(externalID: externalID, title: title, body: body, category: category,
                                      tags: try JSONDecoder().decode([String].self, from: Data(tags.utf8)),
                                      updatedAt: updatedAt, source: source)
                return StoredArticle(article: article, version: version)
            }
        }
    }

    public func chunks(articleExternalID: String) async throws -> [Chunk] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT \(unescaped: Self.chunkColumns) FROM chunks c JOIN articles a ON a.id = c.article_id
                WHERE a.external_id = \(articleExternalID) ORDER BY c.ordinal
                """, logger: logger).map { try Self.chunk($0).chunk }
        }
    }

    public func searchChunks(_ query: String, limit: Int, category: String?) async throws -> [ChunkHit] {
        let terms = KeywordPostings.queryTerms(query)
        guard !terms.isEmpty, limit > 0 else { return [] }
        var (sql, binds) = KeywordPostings.scores("chunk", terms: terms)
        var filter = ""
        if let category {
            binds.append(category)
            filter = "WHERE a.category = $\(binds.count)"
        }
        binds.append(limit)
        sql += """

            SELECT \(Self.hitColumns), s.score FROM scores s
            JOIN chunks c ON c.id = s.id JOIN articles a ON a.id = c.article_id
            \(filter)
            ORDER BY s.score DESC, c.id LIMIT $\(binds.count)
            """
        return try await client.withConnection { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).map { row in
                try Self.hit(row, score: try row.makeRandomAccess()[9].decode(Double.self))
            }
        }
    }

    public func indexableChunks() async throws -> [(id: Int64, category: String?, text: String)] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT c.id, a.category, c.heading || E'\\n' || c.text
                FROM chunks c JOIN articles a ON a.id = c.article_id ORDER BY c.id
                """, logger: logger).map { row in
                let (id, category, text) = try row.decode((Int64, String?, String).self)
                return (id, category, text)
            }
        }
    }

    public func chunkHits(ids: [Int64]) async throws -> [Int64: ChunkHit] {
        guard !ids.isEmpty else { return [:] }
        return try await client.withConnection { connection in
            let rows = try await connection.rows("""
                SELECT \(unescaped: Self.hitColumns) FROM chunks c JOIN articles a ON a.id = c.article_id
                WHERE c.id = ANY (\(ids)::bigint[])
                """, logger: logger)
            return Dictionary(uniqueKeysWithValues: try rows.map { row in
                let hit = try Self.hit(row, score: 0)
                return (hit.chunkID, hit)
            })
        }
    }

    public func searchSettings(kbHash: String) async throws -> SearchSettings? {
        try await settings("SELECT details FROM search_settings WHERE kb_hash = \(kbHash)")
    }

    public func latestSearchSettings() async throws -> SearchSettings? {
        try await settings("SELECT details FROM search_settings ORDER BY chosen_at DESC, row_id DESC LIMIT 1")
    }

    public func saveSearchSettings(_ settings: SearchSettings) async throws {
        let encoder = JSONEncoder.sorted
        encoder.dateEncodingStrategy = .iso8601
        let details = String(decoding: try encoder.encode(settings), as: UTF8.self)
        try refuseNUL([details], in: "search settings")
        // Replaced as a new row (SQLite's INSERT OR REPLACE): the latest saved is the latest, also at equal times.
        try await transaction { connection in
            try await connection.query("DELETE FROM search_settings WHERE kb_hash = \(settings.kbHash)", logger: logger)
            try await connection.query("""
                INSERT INTO search_settings (kb_hash, chosen_at, details)
                VALUES (\(settings.kbHash), \(settings.chosenAt), \(details))
                """, logger: logger)
        }
    }

    private func settings(_ query: PostgresQuery) async throws -> SearchSettings? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for try await details in try await client.query(query, logger: logger).decode(String.self) {
            return try decoder.decode(SearchSettings.self, from: Data(details.utf8))
        }
        return nil
    }

    // MARK: Row mapping

    static let chunkColumns = "c.id, c.ordinal, c.heading, c.text, c.start_offset, c.end_offset"
    /// `chunkColumns`, then the article's external id, title and category.
    static let hitColumns = chunkColumns + ", a.external_id, a.title, a.category"

    static func chunk(_ row: PostgresRow) throws -> (id: Int64, chunk: Chunk) {
        let columns = row.makeRandomAccess()
        let chunk = Chunk(ordinal: try columns[1].decode(Int.self), heading: try columns[2].decode(String.self),
                          text: try columns[3].decode(String.self), start: try columns[4].decode(Int.self),
                          end: try columns[5].decode(Int.self))
        return (try columns[0].decode(Int64.self), chunk)
    }

    static func hit(_ row: PostgresRow, score: Double) throws -> ChunkHit {
        let (id, chunk) = try chunk(row)
        let columns = row.makeRandomAccess()
        return ChunkHit(chunkID: id, articleID: try columns[6].decode(String.self),
                        articleTitle: try columns[7].decode(String.self), category: try columns[8].decode(String?.self),
                        chunk: chunk, score: score)
    }
}
