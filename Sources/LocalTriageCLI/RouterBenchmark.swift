import ArgumentParser
import Domain
import Foundation
import Routing

/// `localtriage bench router`: training time, single-ticket triage latency and peak memory.
struct RouterBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Measure router training time, single-ticket triage latency (p50/p99) and peak memory.",
        discussion: "Latency covers one ticket end to end: its sentence embedding, features and both models."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Training data (default: Banking77 train).") var data = "../shared/data/banking77/train.csv"
    @Option(help: "Texts to triage one at a time (default: Banking77 test).") var queries = "../shared/data/banking77/test.csv"
    @Option(help: "How many texts to triage.") var limit = 1_000
    @Flag(help: "TF-IDF features only.") var noEmbeddings = false

    struct Output: Encodable {
        var benchmark = "router"
        var trainingExamples: Int
        var trainingSeconds: Double
        var usesEmbeddings: Bool
        var triageLatencyMs: Percentiles
        var peakResidentMiB: Double
        var build: String
    }

    func run() async throws {
        let train = try RoutingDataset.read(path: data).examples
        let texts = try RoutingDataset.read(path: queries).examples.prefix(limit).map(\.text)
        var options = RouterOptions()
        options.useEmbeddings = !noEmbeddings
        let encoder = options.useEmbeddings ? try EncoderLoader.load() : nil
        let started = ContinuousClock.now
        let router = try Router.train(train, options: options, embed: encoder.map { e in { e.encode($0) } })
        let trainingSeconds = (ContinuousClock.now - started).seconds
        var latencies: [Double] = []
        for text in texts {
            let begin = ContinuousClock.now
            _ = router.route(text, embedding: encoder?.encode([text]).first)
            latencies.append((ContinuousClock.now - begin).seconds * 1_000)
        }
        let output = Output(trainingExamples: train.count, trainingSeconds: trainingSeconds,
                            usesEmbeddings: router.usesEmbeddings, triageLatencyMs: Percentiles(latencies),
                            peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
        if global.json { return try Report.json(output) }
        print(Report.table([
            ["examples", "training s", "embeddings", "triage p50 ms", "p99 ms", "n", "peak RSS MiB"],
            [String(train.count), String(format: "%.1f", trainingSeconds), String(router.usesEmbeddings),
             String(format: "%.2f", output.triageLatencyMs.p50), String(format: "%.2f", output.triageLatencyMs.p99),
             String(latencies.count), String(format: "%.0f", output.peakResidentMiB)],
        ]))
    }
}
