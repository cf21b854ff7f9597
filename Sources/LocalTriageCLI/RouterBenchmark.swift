import ArgumentParser
import Benchmarks
import Domain
import Foundation
import Routing

/// `localtriage bench router`: training time, single-ticket triage latency and peak memory; with `--scaling`,
/// training time over synthetic sets of N examples and C classes made from the training data.
struct RouterBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Measure router training time, single-ticket triage latency (p50/p99) and peak memory.",
        discussion: """
            Latency covers one ticket end to end: its sentence embedding, features and both models. Training time \
            is split into embedding the training texts and the rest (features, the λ grid, calibration, refit). \
            Accuracy is on the triaged texts (the first --limit rows of --queries).

            --scaling times Router.train on synthetic sets instead: the training texts resampled to N examples (the \
            first copy of each text as is; later copies with one word dropped at random and, for a third of them, \
            a reference number appended) and their labels regrouped into C classes (C ≤ labels: label i joins \
            group i mod C; C > labels: label i is split by a product name put in front of the text, one of \
            ⌈C / labels⌉). Embeddings are computed once for the base texts and reused for their copies (the \
            copies' perturbations and product names are seen by the TF-IDF features only), so the figures are \
            about the fitting; the embedding time of the base texts is reported separately.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Training data (default: Banking77 train).") var data = "../shared/data/banking77/train.csv"
    @Option(help: "Texts to triage one at a time (default: Banking77 test).") var queries = "../shared/data/banking77/test.csv"
    @Option(help: "How many texts to triage.") var limit = 1_000
    @Flag(help: "TF-IDF features only.") var noEmbeddings = false
    @Flag(help: "Time training on synthetic sets of --sizes examples × --class-counts classes.") var scaling = false
    @Option(help: "Example counts for --scaling (comma-separated).") var sizes = "10000,50000,100000"
    @Option(help: "Class counts for --scaling (comma-separated).") var classCounts = "20,80,200"
    @Option(help: "L-BFGS iteration cap (default: the router's own).") var maxIterations: Int?

    func run() async throws {
        let train = try RoutingDataset.read(path: data).examples
        var options = RouterOptions()
        if let maxIterations { options.maxIterations = maxIterations }
        let benchmark = RouterTrainingBenchmark(options: options, encoder: noEmbeddings ? nil : try EncoderLoader.load(),
                                                note: { Report.note($0) })
        if scaling {
            let ns = sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let cs = classCounts.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !ns.isEmpty, !cs.isEmpty, !train.isEmpty else { throw ValidationError("need --sizes, --class-counts and data") }
            return try printScaling(benchmark.scaling(base: train, baseName: data, sizes: ns, classCounts: cs))
        }
        let texts = Array(try RoutingDataset.read(path: queries).examples.prefix(limit))
        let output = try benchmark.run(train: train, queries: texts)
        if global.json { return try Report.json(output) }
        print(Report.table([
            ["examples", "training s", "embedding s", "fitting s", "embeddings", "accuracy", "n", "triage p50 ms",
             "p99 ms", "peak RSS MiB"],
            [String(train.count), String(format: "%.1f", output.trainingSeconds), String(format: "%.1f", output.embeddingSeconds),
             String(format: "%.1f", output.fittingSeconds), String(output.usesEmbeddings),
             String(format: "%.4f", output.accuracy), String(texts.count),
             String(format: "%.2f", output.triageLatencyMs.p50), String(format: "%.2f", output.triageLatencyMs.p99),
             String(format: "%.0f", output.peakResidentMiB)],
        ]))
    }

    private func printScaling(_ output: RouterTrainingBenchmark.ScalingResult) throws {
        if global.json { return try Report.json(output) }
        print("synthetic sets from \(data): \(output.method); base embedding \(String(format: "%.1f", output.baseEmbeddingSeconds)) s")
        print(Report.table([["examples", "classes", "sparse features", "parameters", "training s", "validation acc", "λ"]]
            + output.cells.map { [String($0.examples), String($0.classes), String($0.sparseFeatures), String($0.parameters),
                                  String(format: "%.1f", $0.seconds), String(format: "%.4f", $0.validationAccuracy),
                                  String($0.l2)] }))
    }
}
