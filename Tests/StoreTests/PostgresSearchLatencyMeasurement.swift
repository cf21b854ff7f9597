import Domain
import Foundation
import PostgresNIO
@testable import PostgresStore
import Store
import TestSupport
import Testing

/// A measurement, not a timed test: only with `LOCALTRIAGE_PG_MEASURE=1` (and a server and ../shared). Ingests the
/// banking77 training texts (10,003) as tickets, gives each a 64-d bag-of-words vector, and prints the ingest rate,
/// BM25 and HNSW latencies (p50/p95 over n queries) and HNSW recall@10 against the exact scan.
@Suite(.enabled(if: TestSupport.postgresURL != nil && ProcessInfo.processInfo.environment["LOCALTRIAGE_PG_MEASURE"] != nil
                && TestSupport.hasShared("data/banking77/train.csv")))
struct PostgresSearchLatencyMeasurement {
    /// A deterministic vector: the sum of one pseudo-random vector per distinct word, normalised.
    static func vector(_ text: String, dimension: Int = 64) -> [Float] {
        var sum = [Float](repeating: 0, count: dimension)
        for word in Set(text.lowercased().split(whereSeparator: { !$0.isLetter })) {
            var state = UInt64(truncatingIfNeeded: word.unicodeScalars.reduce(1469598103934665603) { ($0 ^ UInt64($1.value)) &* 1099511628211 })
            for d in 0..<dimension {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                sum[d] += Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
            }
        }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? sum.map { $0 / norm } : sum
    }

    static func percentiles(_ seconds: [Double]) -> String {
        let sorted = seconds.sorted()
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000 }
        return String(format: "p50 %.2f ms, p95 %.2f ms (n = %d)", at(0.5), at(0.95), sorted.count)
    }

    @Test func banking77OnPostgreSQL() async throws {
        let csv = try String(contentsOf: TestSupport.sharedFile("data/banking77/train.csv")!, encoding: .utf8)
        let texts = csv.split(whereSeparator: \.isNewline).dropFirst().compactMap { line -> String? in
            guard let comma = line.lastIndex(of: ",") else { return nil }
            return String(line[..<comma]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        try await PostgresTestDatabase.withStore { store, _ in
            let clock = ContinuousClock()
            var started = clock.now
            let run = try await store.beginIngest(kind: .tickets, source: "/banking77", sourceHash: "h")
            for start in stride(from: 0, to: texts.count, by: 500) {
                let batch = texts[start..<min(texts.count, start + 500)].enumerated().map { offset, text in
                    Ticket(externalID: "B\(start + offset)", subject: nil, body: text,
                           status: (start + offset) % 2 == 0 ? .resolved : .open)
                }
                try await store.commit(IngestBatch(runID: run.id, position: start + batch.count, read: batch.count, tickets: batch))
            }
            let ingest = (clock.now - started) / .seconds(1)
            print("measure: ingest \(texts.count) tickets with BM25 postings: \(String(format: "%.1f", ingest)) s, "
                  + "\(Int(Double(texts.count) / ingest)) tickets/s")

            started = clock.now
            var pending = try await store.itemsNeedingEmbedding(.ticket, model: "bow64", limit: 100_000)
            let textByID = Dictionary(uniqueKeysWithValues: pending.map { ($0.id, $0.text) })
            while !pending.isEmpty {
                let batch = pending.prefix(500)
                try await store.saveEmbeddings(.ticket, batch.map { ($0.id, Self.vector($0.text)) }, model: "bow64")
                pending.removeFirst(batch.count)
            }
            let save = (clock.now - started) / .seconds(1)
            print("measure: save \(textByID.count) 64-d vectors into the HNSW index (m 16, ef_construction 64): "
                  + "\(String(format: "%.1f", save)) s")
            try await store.client.query("ANALYZE")

            let queries = (0..<200).map { texts[($0 * 7919) % texts.count] }
            var keyword: [Double] = []
            for query in queries {
                let t = clock.now
                _ = try await store.searchTickets(query, limit: 10, resolvedOnly: true)
                keyword.append((clock.now - t) / .seconds(1))
            }
            print("measure: searchTickets (BM25 in SQL, resolved only, k 10): \(Self.percentiles(keyword))")
            var analysis: [Double] = []
            for query in queries {
                let t = clock.now
                _ = KeywordPostings.queryTerms(query)
                analysis.append((clock.now - t) / .seconds(1))
            }
            print("measure: of which the query's analysis in Swift: \(Self.percentiles(analysis))")
            var (sql, binds) = KeywordPostings.scores("ticket", terms: KeywordPostings.queryTerms(queries[0]))
            binds.append(10)
            sql += "\nSELECT s.id, s.score FROM scores s JOIN tickets t ON t.id = s.id WHERE t.status IN ('resolved', 'closed') ORDER BY s.score DESC, t.id LIMIT $5"
            var plan: [String] = []
            for try await line in try await store.client.query(PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, SUMMARY) " + sql, binds: binds)).decode(String.self) {
                plan.append(line)
            }
            print("measure: BM25 plan for \"\(queries[0])\":\n" + plan.joined(separator: "\n"))

            for filter in [NearestFilter.none, NearestFilter(resolvedOnly: true)] {
                var dense: [Double] = []
                var recall: [Double] = []
                for query in queries {
                    let vector = Self.vector(query)
                    let t = clock.now
                    let found = try await store.nearest(.ticket, to: vector, model: "bow64", k: 10, filter: filter)
                    dense.append((clock.now - t) / .seconds(1))
                    // The exact answer: the same query with index scans off.
                    let exact = try await store.transaction { connection in
                        try await connection.query("SET LOCAL enable_indexscan = off", logger: store.logger)
                        let q = PostgresStore.nearestQuery(.ticket, to: vector, model: "bow64", k: 10, filter: filter, dimension: 64)
                        return try await connection.rows(q, logger: store.logger).map { try $0.decode((Int64, Double).self).0 }
                    }
                    recall.append(Double(Set(found.map(\.id)).intersection(exact).count) / Double(max(1, exact.count)))
                }
                print("measure: nearest (HNSW, \(filter.resolvedOnly ? "resolved only" : "no filter"), k 10, ef_search "
                      + "\(PostgresStore.efSearch(k: 10))): \(Self.percentiles(dense)), recall@10 vs exact "
                      + String(format: "%.3f", recall.reduce(0, +) / Double(recall.count)))
            }
        }
    }
}
