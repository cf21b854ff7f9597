import ArgumentParser
import Domain
import Embeddings
import Foundation
import Readers

/// `localtriage bench embed`: sentence-encoder throughput and latency on Banking77 test texts.
struct EmbedBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Measure all-MiniLM-L6-v2 sentences/s at batch 1 and batched, latency, memory and FLOP/s.",
        discussion: "Reference on these machines: sentence-transformers (PyTorch CPU, 2 threads) 88/s at batch 1, "
            + "243/s at batch 32."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "CSV with a text column (default: ../shared/data/banking77/test.csv).")
    var data = "../shared/data/banking77/test.csv"
    @Option(help: "How many texts.") var limit = 1_000
    @Option(help: "Tokens per pack when batching.") var pack = 512
    @Option(help: "Folder of the model files (default: found in .venv).") var model: String?

    struct Output: Encodable {
        var benchmark = "embed"
        var model: String
        var texts: Int
        var meanTokens: Double
        var cores: Int
        /// One text per call, one call at a time (latency-bound: uses one core).
        var batch1SentencesPerSecond: Double
        /// One text per call, one caller per core (as concurrent API requests would).
        var batch1ConcurrentSentencesPerSecond: Double
        var batch1LatencyMs: Percentiles
        var batchedSentencesPerSecond: Double
        var batchedGFLOPs: Double
        var batch1GFLOPs: Double
        var flopsPerToken: Double
        var peakResidentMiB: Double
        var reference = ["sentence-transformers batch 1": 88.0, "sentence-transformers batch 32": 243.0]
        var build: String
    }

    func run() async throws {
        let texts = try RecordReader(format: .csv).read(path: data).compactMap { try? $0.get().fields["text"] }
            .prefix(limit).map { $0 }
        guard !texts.isEmpty else { throw ValidationError("no texts in \(data)") }
        let directory = try ModelLocator.miniLM(explicit: model, root: URL(fileURLWithPath: "."))
        let encoder = try SentenceEncoder(modelDirectory: directory, tokensPerPack: pack)
        let tokens = texts.map { encoder.tokenizer.encode($0).count }
        let totalTokens = Double(tokens.reduce(0, +))
        // Per token: Q, K, V, output (4·h²) and the two feed-forward products (2·h·4h), each 2 FLOPs per MAC, per layer;
        // attention adds 4·T·h per token per layer.
        let h = Double(encoder.dimension), layers = 6.0
        let meanT = totalTokens / Double(texts.count)
        let flopsPerToken = layers * (2 * (4 * h * h + 2 * h * 4 * h) + 4 * meanT * h)

        _ = encoder.encode(Array(texts.prefix(16)))  // warm up
        var latencies: [Double] = []
        let single = ContinuousClock.now
        for text in texts {
            let started = ContinuousClock.now
            _ = encoder.encode([text])
            latencies.append((ContinuousClock.now - started).seconds * 1_000)
        }
        let singleSeconds = (ContinuousClock.now - single).seconds
        let concurrent = ContinuousClock.now
        let cores = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            for text in texts[worker...].enumerated().filter({ $0.offset % cores == 0 }).map(\.element) {
                _ = encoder.encode([text])
            }
        }
        let concurrentSeconds = (ContinuousClock.now - concurrent).seconds
        let batched = ContinuousClock.now
        _ = encoder.encode(texts)
        let batchedSeconds = (ContinuousClock.now - batched).seconds

        let output = Output(
            model: encoder.identity.key, texts: texts.count, meanTokens: meanT, cores: cores,
            batch1SentencesPerSecond: Double(texts.count) / singleSeconds,
            batch1ConcurrentSentencesPerSecond: Double(texts.count) / concurrentSeconds,
            batch1LatencyMs: Percentiles(latencies),
            batchedSentencesPerSecond: Double(texts.count) / batchedSeconds,
            batchedGFLOPs: totalTokens * flopsPerToken / batchedSeconds / 1e9,
            batch1GFLOPs: totalTokens * flopsPerToken / singleSeconds / 1e9, flopsPerToken: flopsPerToken,
            peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
        if global.json { return try Report.json(output) }
        print("all-MiniLM-L6-v2 on \(texts.count) texts (mean \(String(format: "%.1f", meanT)) tokens), "
            + "\(cores) cores, \(output.build) build")
        print(Report.table([
            ["mode", "sentences/s", "GFLOP/s", "p50 ms", "p95 ms", "reference (sentence-transformers)"],
            ["batch 1", String(format: "%.0f", output.batch1SentencesPerSecond), String(format: "%.1f", output.batch1GFLOPs),
             String(format: "%.2f", output.batch1LatencyMs.p50), String(format: "%.2f", output.batch1LatencyMs.p95), "88/s"],
            ["batch 1, \(cores) callers", String(format: "%.0f", output.batch1ConcurrentSentencesPerSecond), "", "", "", ""],
            ["batched", String(format: "%.0f", output.batchedSentencesPerSecond), String(format: "%.1f", output.batchedGFLOPs),
             "", "", "243/s (batch 32)"],
        ]))
        print("peak RSS \(String(format: "%.0f", output.peakResidentMiB)) MiB")
    }
}
