import ArgumentParser
import Domain
import Foundation
import Ingest
import Readers
import Search
import Store

/// `localtriage bench search`: query latency per search mode over a large generated KB.
struct SearchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Measure search latency (p50/p95/p99) per mode over a generated corpus of N chunks.",
        discussion: """
            The corpus is built from real support sentences (the Bitext reference replies in ../shared), shuffled \
            deterministically into articles whose sections hold one or two sentences, ingested through the normal \
            pipeline and embedded with all-MiniLM-L6-v2; queries are Banking77 test texts. The built store \
            (about 10 minutes to embed 100k chunks on 2 cores) is kept in <home>/bench/search-<N> and reused.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Chunks in the generated corpus.") var chunks = 100_000
    @Option(help: "How many queries.") var queries = 200
    @Option(help: "Results per query.") var k = 10
    @Option(help: "Folder holding bitext/ and banking77/ (default ../shared/data).") var data = "../shared/data"
    @Flag(help: "Keyword modes only (no embeddings).") var keywordOnly = false

    struct ModeLatency: Encodable {
        var mode: String
        var latencyMs: Percentiles
    }

    struct Output: Encodable {
        var benchmark = "search"
        var chunks: Int
        var articles: Int
        var queries: Int
        var k: Int
        var modes: [ModeLatency]
        var bm25IndexMiB: Double
        var vectorIndexMiB: Double?
        var peakResidentMiB: Double
        var build: String
    }

    func run() async throws {
        let dataDir = URL(fileURLWithPath: data)
        let home = try global.homeDirectory().appendingPathComponent("bench/search-v2-\(chunks)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteStore(home: home)
        if try await store.counts().chunks < chunks {
            let corpus = home.appendingPathComponent("corpus.jsonl")
            let articles = try Self.generateCorpus(
                from: dataDir.appendingPathComponent("bitext/bitext_customer_support.csv"), chunks: chunks, to: corpus)
            Report.note("bench: ingesting \(articles) generated articles...")
            _ = try await Ingestor(store: store, batchSize: 2_000, chunker: Self.chunker)
                .ingestKnowledgeBase(path: corpus.path)
        }
        let encoder = keywordOnly ? nil : try EncoderLoader.load()
        if let encoder {
            let started = ContinuousClock.now
            let embedded = try await EmbeddingIndexer(store: store, embedder: encoder, batchSize: 2_048)
                .indexMissing(.chunk) { done in if done % 10_240 == 0 { Report.note("bench: embedded \(done) chunks") } }
            if embedded > 0 {
                Report.note("bench: embedded \(embedded) chunks in \(String(format: "%.0f", (ContinuousClock.now - started).seconds)) s")
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
        Report.note("bench: in-memory BM25 index built in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s")
        var retrievers: [any Retriever] = [KeywordRetriever(store: store), memory]
        var vectorIndexMiB: Double?
        if let encoder {
            let dense = DenseRetriever(store: store, embedder: encoder)
            let vectors = try await store.vectors(.chunk, model: encoder.identity.key).count
            vectorIndexMiB = Double(VectorIndex.memoryBytes(count: vectors, dimension: encoder.dimension)) / 1_048_576
            retrievers += [dense, HybridRetriever(keyword: memory, dense: dense, fusion: .convex(keywordWeight: 0.25))]
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
        let output = Output(chunks: counts.chunks, articles: counts.articles, queries: sample.count, k: k,
                            modes: modes, bm25IndexMiB: Double(memory.index.memoryBytes) / 1_048_576, vectorIndexMiB: vectorIndexMiB, peakResidentMiB: ResourceUsage.peakResidentMiB,
                            build: BuildInfo.configuration)
        if global.json { return try Report.json(output) }
        print("Search over \(output.chunks) chunks (\(output.articles) articles), \(output.queries) queries, k=\(k)")
        print(Report.table([["mode", "p50 ms", "p95 ms", "p99 ms"]] + modes.map { m in
            [m.mode] + [m.latencyMs.p50, m.latencyMs.p95, m.latencyMs.p99].map { String(format: "%.2f", $0) }
        }))
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
