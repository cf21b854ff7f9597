import ArgumentParser
import Benchmarks
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

    func run() async throws {
        let texts = try RecordReader(format: .csv).read(path: data).compactMap { try? $0.get().fields["text"] }
            .prefix(limit).map { $0 }
        guard !texts.isEmpty else { throw ValidationError("no texts in \(data)") }
        let directory = try ModelLocator.miniLM(explicit: model, root: URL(fileURLWithPath: "."))
        let output = EncoderThroughput(encoder: try SentenceEncoder(modelDirectory: directory, tokensPerPack: pack), texts: texts).run()
        let cores = output.cores, meanT = output.meanTokens
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
