import ArgumentParser
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

    struct Output: Encodable {
        var benchmark = "router"
        var trainingExamples: Int
        var trainingSeconds: Double
        var embeddingSeconds: Double
        var fittingSeconds: Double
        var usesEmbeddings: Bool
        var validationAccuracy: Double
        var l2: Float
        var accuracy: Double
        var accuracyN: Int
        var triageLatencyMs: Percentiles
        var peakResidentMiB: Double
        var build: String
    }

    struct Cell: Encodable {
        var examples: Int
        var classes: Int
        var sparseFeatures: Int
        var parameters: Int
        var seconds: Double
        var validationAccuracy: Double
        var l2: Float
    }

    struct ScalingOutput: Encodable {
        var benchmark = "router-scaling"
        var base: String
        var baseExamples: Int
        var baseLabels: Int
        var usesEmbeddings: Bool
        var baseEmbeddingSeconds: Double
        var method: String
        var cells: [Cell]
        var peakResidentMiB: Double
        var build: String
    }

    func run() async throws {
        let train = try RoutingDataset.read(path: data).examples
        var options = RouterOptions()
        options.useEmbeddings = !noEmbeddings
        if let maxIterations { options.maxIterations = maxIterations }
        let encoder = options.useEmbeddings ? try EncoderLoader.load() : nil
        if scaling { return try runScaling(train, options: options, encode: encoder.map { e in { e.encode($0) } }) }
        let texts = try RoutingDataset.read(path: queries).examples.prefix(limit)
        var embeddingSeconds = 0.0
        let started = ContinuousClock.now
        let router = try Router.train(train, options: options, embed: encoder.map { e in
            { texts in
                let begin = ContinuousClock.now
                defer { embeddingSeconds += (ContinuousClock.now - begin).seconds }
                return e.encode(texts)
            }
        })
        let trainingSeconds = (ContinuousClock.now - started).seconds
        var latencies: [Double] = []
        var correct = 0
        for example in texts {
            let begin = ContinuousClock.now
            let decision = router.route(example.text, embedding: encoder?.encode([example.text]).first)
            latencies.append((ContinuousClock.now - begin).seconds * 1_000)
            if decision.suggestedCategory == example.category { correct += 1 }
        }
        let output = Output(trainingExamples: train.count, trainingSeconds: trainingSeconds,
                            embeddingSeconds: embeddingSeconds, fittingSeconds: trainingSeconds - embeddingSeconds,
                            usesEmbeddings: router.usesEmbeddings, validationAccuracy: router.validation.accuracy,
                            l2: router.validation.l2,
                            accuracy: texts.isEmpty ? 0 : Double(correct) / Double(texts.count), accuracyN: texts.count,
                            triageLatencyMs: Percentiles(latencies),
                            peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
        if global.json { return try Report.json(output) }
        print(Report.table([
            ["examples", "training s", "embedding s", "fitting s", "embeddings", "accuracy", "n", "triage p50 ms",
             "p99 ms", "peak RSS MiB"],
            [String(train.count), String(format: "%.1f", trainingSeconds), String(format: "%.1f", embeddingSeconds),
             String(format: "%.1f", output.fittingSeconds), String(router.usesEmbeddings),
             String(format: "%.4f", output.accuracy), String(texts.count),
             String(format: "%.2f", output.triageLatencyMs.p50), String(format: "%.2f", output.triageLatencyMs.p99),
             String(format: "%.0f", output.peakResidentMiB)],
        ]))
    }

    private func runScaling(_ base: [RoutingExample], options: RouterOptions,
                            encode: (([String]) -> [[Float]])?) throws {
        let ns = sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let cs = classCounts.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ns.isEmpty, !cs.isEmpty, !base.isEmpty else { throw ValidationError("need --sizes, --class-counts and data") }
        var baseEmbeddings: [[Float]] = []
        var embeddingSeconds = 0.0
        if let encode {
            let begin = ContinuousClock.now
            baseEmbeddings = encode(base.map(\.text))
            embeddingSeconds = (ContinuousClock.now - begin).seconds
            Report.note("embedded \(base.count) base texts in \(String(format: "%.1f", embeddingSeconds)) s")
        }
        var cells: [Cell] = []
        for n in ns {
            for c in cs {
                let (examples, source) = SyntheticRouting.make(base: base, examples: n, classes: c)
                let lookup = Dictionary(zip(examples.map(\.text), source), uniquingKeysWith: { first, _ in first })
                let started = ContinuousClock.now
                let router = try Router.train(examples, options: options, embed: encode == nil ? nil : { texts in
                    texts.map { baseEmbeddings[lookup[$0]!] }
                })
                let seconds = (ContinuousClock.now - started).seconds
                let cell = Cell(examples: n, classes: router.categories.count, sparseFeatures: router.vectorizer.dimension,
                                parameters: router.categoryModel.parameters.count, seconds: seconds,
                                validationAccuracy: router.validation.accuracy, l2: router.validation.l2)
                Report.note(String(format: "N=%d C=%d: %.1f s (features %d, validation accuracy %.4f)",
                                   n, cell.classes, seconds, cell.sparseFeatures, cell.validationAccuracy))
                cells.append(cell)
            }
        }
        let output = ScalingOutput(
            base: data, baseExamples: base.count, baseLabels: Set(base.map(\.category)).count,
            usesEmbeddings: encode != nil, baseEmbeddingSeconds: embeddingSeconds,
            method: "base texts resampled (copies after the first: one word dropped, a third with a reference number); "
                + "labels regrouped mod C, or split by a product-name prefix when C exceeds the base labels; "
                + "embeddings of the base texts reused for their copies",
            cells: cells, peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
        if global.json { return try Report.json(output) }
        print("synthetic sets from \(data): \(output.method); base embedding \(String(format: "%.1f", embeddingSeconds)) s")
        print(Report.table([["examples", "classes", "sparse features", "parameters", "training s", "validation acc", "λ"]]
            + cells.map { [String($0.examples), String($0.classes), String($0.sparseFeatures), String($0.parameters),
                           String(format: "%.1f", $0.seconds), String(format: "%.4f", $0.validationAccuracy),
                           String($0.l2)] }))
    }
}

/// Synthetic-but-realistic routing sets made from a real one (see `localtriage bench router --help`).
enum SyntheticRouting {
    static let products = ["Acorn", "Birch", "Cedar", "Dahlia", "Elm", "Fennel", "Gorse", "Hazel"]

    /// `examples` examples in `classes` classes, and for each the index of the base example it came from.
    static func make(base: [RoutingExample], examples count: Int, classes: Int) -> ([RoutingExample], [Int]) {
        let labels = Array(Set(base.map(\.category))).sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var rng = SeededRandom(seed: UInt64(count) &* 1_000_003 &+ UInt64(classes))
        var out: [RoutingExample] = [], source: [Int] = []
        out.reserveCapacity(count)
        for k in 0..<count {
            let b = k < base.count ? k : Int(rng.next() % UInt64(base.count))
            let example = base[b]
            let i = labelIndex[example.category]!
            var text = example.text
            if k >= base.count {
                var words = text.split(separator: " ").map(String.init)
                if words.count > 3 { words.remove(at: Int(rng.next() % UInt64(words.count))) }
                text = words.joined(separator: " ")
                if rng.next() % 3 == 0 { text += " ref \(10_000 + rng.next() % 90_000)" }
            }
            let label: Int
            if classes <= labels.count {
                label = i % classes
            } else {
                // Classes i, i + L, i + 2L, ... below `classes` share base label i; a product name tells them apart.
                let variants = (classes - 1 - i) / labels.count + 1
                let v = Int(rng.next() % UInt64(variants))
                label = i + v * labels.count
                text = "[\(products[v % products.count])] " + text
            }
            out.append(RoutingExample(text: text, category: String(format: "class%03d", label), priority: example.priority))
            source.append(b)
        }
        return (out, source)
    }
}
