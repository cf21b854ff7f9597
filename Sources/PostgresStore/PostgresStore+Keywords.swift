import Domain
import Foundation
import PostgresNIO
import Search
import Store

/// Keyword search on PostgreSQL is Okapi BM25 (k1 = 1.2, b = 0.75, as `BM25Index`) computed in SQL over postings
/// that the store writes in the same transaction as the ticket or chunk itself: corpus-correct (document
/// frequencies, lengths and the average length of the whole corpus, as committed), not `ts_rank`.
///
/// Terms come from one tokenizer, the Search module's `KeywordAnalyzer` (case and accent folding, stop words,
/// Porter stems), for documents and queries alike. Fields are weighted as the SQLite store's FTS5 `bm25()` weighs
/// its columns: a term's frequency is the weighted sum of its occurrences, the document's length its term count.
enum KeywordPostings {
    static let k1 = 1.2
    static let b = 0.75
    /// Longer terms are left out (documents and queries alike): a B-tree entry holds at most ~2.7 kB.
    static let longestTerm = 200

    /// One document's postings: its distinct terms with their weighted frequencies, and its length in terms.
    struct Document: Sendable {
        var length: Int
        var terms: [String]
        var frequencies: [Float]
    }

    static func document(_ fields: [(text: String?, weight: Float)]) -> Document {
        let analyzer = KeywordAnalyzer()
        var frequencies: [String: Float] = [:]
        var length = 0
        for (text, weight) in fields {
            guard let text else { continue }
            let terms = analyzer.terms(text)
            length += terms.count
            for term in terms where term.utf8.count <= longestTerm { frequencies[term, default: 0] += weight }
        }
        let sorted = frequencies.sorted { $0.key < $1.key }
        return Document(length: length, terms: sorted.map(\.key), frequencies: sorted.map(\.value))
    }

    /// Subject and body weigh 1, the resolution 0.5 (the SQLite store's `bm25(tickets_fts, 1.0, 1.0, 0.5)`).
    static func ticket(_ ticket: Ticket) -> Document {
        document([(ticket.subject, 1), (ticket.body, 1), (ticket.resolution, 0.5)])
    }

    /// The heading weighs 0.5, the text 1 (`bm25(chunks_fts, 0.5, 1.0)`).
    static func chunk(_ chunk: Chunk) -> Document {
        document([(chunk.heading, 0.5), (chunk.text, 1)])
    }

    /// A query's distinct terms (none when it holds only stop words or no word at all).
    static func queryTerms(_ text: String) -> [String] {
        var seen = Set<String>()
        return KeywordAnalyzer().terms(text).filter { $0.utf8.count <= longestTerm && seen.insert($0).inserted }
    }

    /// Replaces the postings of these tickets (on the caller's connection, inside its transaction).
    static func writeTickets(_ documents: [(id: Int64, document: Document)], _ connection: PostgresConnection,
                             logger: Logger) async throws {
        try await write(documents, table: "ticket", connection, logger: logger)
    }

    /// Writes the postings of new chunks (an edited article's old chunks took theirs with them).
    static func writeChunks(_ documents: [(id: Int64, document: Document)], _ connection: PostgresConnection,
                            logger: Logger) async throws {
        try await write(documents, table: "chunk", connection, logger: logger)
    }

    /// `table` is one of two constants, never data.
    private static func write(_ documents: [(id: Int64, document: Document)], table: StaticString,
                              _ connection: PostgresConnection, logger: Logger) async throws {
        guard !documents.isEmpty else { return }
        let name = "\(table)"
        let ids = documents.map(\.id)
        try await connection.query("""
            DELETE FROM \(unescaped: name)_keyword_documents WHERE \(unescaped: name)_id = ANY (\(ids)::bigint[])
            """, logger: logger)
        try await connection.query("""
            INSERT INTO \(unescaped: name)_keyword_documents (\(unescaped: name)_id, length)
            SELECT * FROM unnest(\(ids)::bigint[], \(documents.map(\.document.length))::integer[])
            """, logger: logger)
        let postingIDs = documents.flatMap { item in Array(repeating: item.id, count: item.document.terms.count) }
        let postingLengths = documents.flatMap { item in
            Array(repeating: item.document.length, count: item.document.terms.count)
        }
        guard !postingIDs.isEmpty else { return }
        try await connection.query("""
            INSERT INTO \(unescaped: name)_postings (term, \(unescaped: name)_id, frequency, length)
            SELECT * FROM unnest(\(documents.flatMap(\.document.terms))::text[], \(postingIDs)::bigint[],
                                 \(documents.flatMap(\.document.frequencies))::real[], \(postingLengths)::integer[])
            """, logger: logger)
    }

    /// The BM25 score of every document holding a query term, as a subquery yielding `(id, score)`: `table` is
    /// `ticket` or `chunk` (a constant), the terms are bound.
    static func scores(_ table: StaticString, terms: [String]) -> (sql: String, binds: PostgresBindings) {
        let name = "\(table)"
        var binds = PostgresBindings()
        binds.append(terms)
        binds.append(k1)
        binds.append(b)
        binds.append(name)
        // Per query term: its document frequency, then its postings (both index-only scans of the primary key);
        // MATERIALIZED, or the planner inlines the count and runs it once per posting.
        let sql = """
            WITH query_terms AS (SELECT DISTINCT term FROM unnest($1::text[]) AS q (term)),
            corpus AS (
                SELECT documents::float8 AS n, total_length::float8 / greatest(documents, 1) AS average_length
                FROM keyword_stats WHERE kind = $4),
            frequencies AS MATERIALIZED (
                SELECT q.term, (SELECT count(*) FROM \(name)_postings p WHERE p.term = q.term)::float8 AS df
                FROM query_terms q),
            scores AS (
                SELECT p.\(name)_id AS id,
                       sum(ln(1 + (corpus.n - f.df + 0.5) / (f.df + 0.5)) * p.frequency * ($2 + 1)
                           / (p.frequency + $2 * (1 - $3 + $3 * p.length / greatest(corpus.average_length, 1e-9)))) AS score
                FROM frequencies f
                CROSS JOIN corpus
                CROSS JOIN LATERAL (
                    SELECT \(name)_id, frequency, length FROM \(name)_postings WHERE term = f.term) p
                GROUP BY p.\(name)_id)
            """
        return (sql, binds)
    }
}

extension PostgresStore {
    /// Writes the keyword postings of every ticket and chunk that has none (stored before schema v2, or by
    /// hand), a thousand at a time, each page in its own transaction. Returns how many of each it indexed.
    @discardableResult
    public func writeMissingKeywordPostings() async throws -> (tickets: Int, chunks: Int) {
        var tickets = 0, chunks = 0
        while true {
            let written = try await transaction { connection in
                let rows = try await connection.rows("""
                    SELECT \(unescaped: Self.ticketColumns) FROM tickets t
                    WHERE NOT EXISTS (SELECT 1 FROM ticket_keyword_documents d WHERE d.ticket_id = t.id)
                    ORDER BY t.id LIMIT 1000 FOR UPDATE
                    """, logger: logger)
                let documents = try rows.map { row in
                    let (id, ticket) = try Self.ticket(row)
                    return (id: id, document: KeywordPostings.ticket(ticket))
                }
                try await KeywordPostings.writeTickets(documents, connection, logger: logger)
                return documents.count
            }
            tickets += written
            if written < 1000 { break }
        }
        while true {
            let written = try await transaction { connection in
                let rows = try await connection.rows("""
                    SELECT \(unescaped: Self.chunkColumns) FROM chunks c
                    WHERE NOT EXISTS (SELECT 1 FROM chunk_keyword_documents d WHERE d.chunk_id = c.id)
                    ORDER BY c.id LIMIT 1000 FOR UPDATE
                    """, logger: logger)
                let documents = try rows.map { row in
                    let (id, chunk) = try Self.chunk(row)
                    return (id: id, document: KeywordPostings.chunk(chunk))
                }
                try await KeywordPostings.writeChunks(documents, connection, logger: logger)
                return documents.count
            }
            chunks += written
            if written < 1000 { break }
        }
        return (tickets, chunks)
    }
}
