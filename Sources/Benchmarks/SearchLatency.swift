import Domain
import Foundation
import Ingest
import Readers
import Search
import Store

/// Query latency per search mode over a generated knowledge base of `chunks` chunks: real support sentences (the
/// Bitext reference replies) shuffled deterministically into articles whose sections hold one or two sentences,
/// ingested through the normal pipeline and embedded; the queries are Banking77 test texts. The built store is kept
/// in `home` and reused.
public struct SearchLatency: Sendable {
    /// Where the generated store lives (reused when it already holds `chunks` chunks).
    public var home: URL
    public var chunks: Int
    public var queries: Int
    public var k: Int
    /// The folder holding bitext/ and banking77/.
    public var data: String
    /// Nil: the keyword modes only.
    public var encoder: (any TextEmbedder)?
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void

    public init(home: URL, chunks: Int = 100_000, queries: Int = 200, k: Int = 10, data: String = "../shared/data",
                encoder: (any TextEmbedder)?, note: @escaping @Sendable (String) -> Void = { _ in }) {
        self.home = home
        self.chunks = chunks
        self.queries = queries
        self.k = k
        self.data = data
        self.encoder = encoder
        self.note = note
    }

    public struct ModeLatency: Encodable, Sendable {
        public var mode: String
        public var latencyMs: Percentiles
    }

    public struct Result: Encodable, Sendable {
        public var benchmark = "search"
        public var chunks: Int
        public var articles: Int
        public var queries: Int
        public var k: Int
        public var modes: [ModeLatency]
        public var bm25IndexMiB: Double
        public var vectorIndexMiB: Double?
        public var peakResidentMiB: Double
        public var build: String
    }

    public func run() async throws -> Result {
        let dataDir = URL(fileURLWithPath: data)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(home: home)
        if try await store.counts().chunks < chunks {
            let corpus = home.appendingPathComponent("corpus.jsonl")
            let articles = try Self.generateCorpus(
                from: dataDir.appendingPathComponent("bitext/bitext_customer_support.csv"), chunks: chunks, to: corpus)
            note("ingesting \(articles) generated articles...")
            _ = try await Ingestor(store: store, batchSize: 2_000, chunker: Self.chunker)
                .ingestKnowledgeBase(path: corpus.path)
        }
        if let encoder {
            let started = ContinuousClock.now
            let embedded = try await EmbeddingIndexer(store: store, embedder: encoder, batchSize: 2_048)
                .indexMissing(.chunk) { done in if done % 10_240 == 0 { note("embedded \(done) chunks") } }
            if embedded > 0 {
                note("embedded \(embedded) chunks in \(String(format: "%.0f", (ContinuousClock.now - started).seconds)) s")
            }
        }
        let counts = try await store.counts()
        let texts = try RecordReader(format: .csv)
            .read(path: dataDir.appendingPathComponent("banking77/test.csv").path)
            .compactMap { try? $0.get().fields["text"] }
        var random = SeededRandom(seed: 7)
        let sample = Array(texts.shuffled(using: &random).prefix(queries))

        var modes: [ModeLatency] = []
        let started = ContinuousClock.now
        let memory = try await MemoryKeywordRetriever(store: store)
        note("in-memory BM25 index built in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s")
        var retrievers: [any Retriever] = [KeywordRetriever(store: store), memory]
        var vectorIndexMiB: Double?
        if let encoder {
            let dense = DenseRetriever(store: store, embedder: encoder)
            let vectors = try await store.vectors(.chunk, model: encoder.identity.key).count
            vectorIndexMiB = Double(VectorIndex.memoryBytes(count: vectors, dimension: encoder.dimension)) / 1_048_576
            retrievers += [dense, HybridRetriever(keyword: memory, dense: dense, fusion: .defaultConvex)]
        }
        for retriever in retrievers {
            var latencies: [Double] = []
            for query in sample {
                let started = ContinuousClock.now
                _ = try await retriever.search(query, k: k, filter: SearchFilter())
                latencies.append((ContinuousClock.now - started).seconds * 1_000)
            }
            modes.append(ModeLatency(mode: retriever.name, latencyMs: Percentiles(latencies)))
        }
        return Result(chunks: counts.chunks, articles: counts.articles, queries: sample.count, k: k, modes: modes,
                      bm25IndexMiB: Double(memory.index.memoryBytes) / 1_048_576, vectorIndexMiB: vectorIndexMiB,
                      peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
    }

    /// Chunking of the generated corpus: each one- or two-sentence section is a chunk.
    static let chunker = Chunker(maxLength: 400, minLength: 40, overlap: 0)

    /// Writes JSONL articles of 4 sections × 1–2 sentences drawn from the Bitext replies, enough for `chunks`
    /// chunks; returns the number of articles.
    static func generateCorpus(from bitext: URL, chunks: Int, to url: URL) throws -> Int {
        let replies = try RecordReader(format: .csv).read(path: bitext.path).compactMap { try? $0.get().fields["response"] }
        var sentences: [String] = []
        for reply in replies {
            for line in reply.split(whereSeparator: \.isNewline) {
                for sentence in line.split(separator: ". ") where sentence.count > 30 {
                    sentences.append(sentence.trimmingCharacters(in: .whitespaces))
                }
            }
        }
        var random = SeededRandom(seed: 42)
        var lines: [String] = []
        var made = 0, article = 0
        let encoder = JSONEncoder()
        while made < chunks {
            article += 1
            var body = ""
            for section in 1...4 {
                body += "## Section \(section)\n\n"
                body += (0..<Int.random(in: 1...2, using: &random)).map { _ in sentences.randomElement(using: &random)! }
                    .joined(separator: ". ") + ".\n\n"
            }
            let chunkCount = chunker.chunks(of: body, title: "t").count
            made += chunkCount
            let object = ["id": "GEN-\(article)", "title": "Generated article \(article)", "body": body]
            lines.append(String(decoding: try encoder.encode(object), as: UTF8.self))
        }
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return article
    }
}
