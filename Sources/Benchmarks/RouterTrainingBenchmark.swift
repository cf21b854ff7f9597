import Domain
import Embeddings
import Foundation
import Routing

/// Router training time, single-ticket triage latency (embedding, features and both models) and peak memory; and
/// training time over synthetic sets of N examples and C classes made from real training data (`SyntheticRouting`).
public struct RouterTrainingBenchmark: Sendable {
    public var options: RouterOptions
    /// Nil: TF-IDF features only.
    public var encoder: SentenceEncoder?
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void

    public init(options: RouterOptions, encoder: SentenceEncoder?, note: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.encoder = encoder
        self.note = note
    }

    public struct Result: Encodable, Sendable {
        public var benchmark = "router"
        public var trainingExamples: Int
        public var trainingSeconds: Double
        public var embeddingSeconds: Double
        public var fittingSeconds: Double
        public var usesEmbeddings: Bool
        public var validationAccuracy: Double
        public var l2: Float
        public var accuracy: Double
        public var accuracyN: Int
        public var triageLatencyMs: Percentiles
        public var peakResidentMiB: Double
        public var build: String
    }

    public struct Cell: Encodable, Sendable {
        public var examples: Int
        public var classes: Int
        public var sparseFeatures: Int
        public var parameters: Int
        public var seconds: Double
        public var validationAccuracy: Double
        public var l2: Float
    }

    public struct ScalingResult: Encodable, Sendable {
        public var benchmark = "router-scaling"
        public var base: String
        public var baseExamples: Int
        public var baseLabels: Int
        public var usesEmbeddings: Bool
        public var baseEmbeddingSeconds: Double
        public var method: String
        public var cells: [Cell]
        public var peakResidentMiB: Double
        public var build: String
    }

    /// Trains on `train`, then triages `queries` one at a time; accuracy is on those.
    public func run(train: [RoutingExample], queries: [RoutingExample]) throws -> Result {
        var options = self.options
        options.useEmbeddings = encoder != nil
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
        for example in queries {
            let begin = ContinuousClock.now
            let decision = router.route(example.text, embedding: encoder?.encode([example.text]).first)
            latencies.append((ContinuousClock.now - begin).seconds * 1_000)
            if decision.suggestedCategory == example.category { correct += 1 }
        }
        return Result(trainingExamples: train.count, trainingSeconds: trainingSeconds,
                      embeddingSeconds: embeddingSeconds, fittingSeconds: trainingSeconds - embeddingSeconds,
                      usesEmbeddings: router.usesEmbeddings, validationAccuracy: router.validation.accuracy,
                      l2: router.validation.l2,
                      accuracy: queries.isEmpty ? 0 : Double(correct) / Double(queries.count), accuracyN: queries.count,
                      triageLatencyMs: Percentiles(latencies),
                      peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
    }

    /// Times `Router.train` on synthetic sets of each size × class count made from `base` (named `baseName`).
    /// Embeddings are computed once for the base texts and reused for their copies, so the figures are about the
    /// fitting; the base texts' embedding time is reported apart.
    public func scaling(base: [RoutingExample], baseName: String, sizes: [Int], classCounts: [Int]) throws -> ScalingResult {
        precondition(!sizes.isEmpty && !classCounts.isEmpty && !base.isEmpty, "sizes, class counts and data")
        var options = self.options
        options.useEmbeddings = encoder != nil
        var baseEmbeddings: [[Float]] = []
        var embeddingSeconds = 0.0
        if let encoder {
            let begin = ContinuousClock.now
            baseEmbeddings = encoder.encode(base.map(\.text))
            embeddingSeconds = (ContinuousClock.now - begin).seconds
            note("embedded \(base.count) base texts in \(String(format: "%.1f", embeddingSeconds)) s")
        }
        var cells: [Cell] = []
        for n in sizes {
            for c in classCounts {
                let (examples, source) = SyntheticRouting.make(base: base, examples: n, classes: c)
                let lookup = Dictionary(zip(examples.map(\.text), source), uniquingKeysWith: { first, _ in first })
                let started = ContinuousClock.now
                let router = try Router.train(examples, options: options, embed: encoder == nil ? nil : { texts in
                    texts.map { baseEmbeddings[lookup[$0]!] }
                })
                let seconds = (ContinuousClock.now - started).seconds
                let cell = Cell(examples: n, classes: router.categories.count, sparseFeatures: router.vectorizer.dimension,
                                parameters: router.categoryModel.parameters.count, seconds: seconds,
                                validationAccuracy: router.validation.accuracy, l2: router.validation.l2)
                note(String(format: "N=%d C=%d: %.1f s (features %d, validation accuracy %.4f)",
                            n, cell.classes, seconds, cell.sparseFeatures, cell.validationAccuracy))
                cells.append(cell)
            }
        }
        return ScalingResult(
            base: baseName, baseExamples: base.count, baseLabels: Set(base.map(\.category)).count,
            usesEmbeddings: encoder != nil, baseEmbeddingSeconds: embeddingSeconds,
            method: "base texts resampled (copies after the first: one word dropped, a third with a reference number); "
                + "labels regrouped mod C, or split by a product-name prefix when C exceeds the base labels; "
                + "embeddings of the base texts reused for their copies",
            cells: cells, peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
    }
}

/// Synthetic-but-realistic routing sets made from a real one (see `localtriage bench router --help`).
public enum SyntheticRouting {
    static let products = ["Acorn", "Birch", "Cedar", "Dahlia", "Elm", "Fennel", "Gorse", "Hazel"]

    /// `examples` examples in `classes` classes, and for each the index of the base example it came from.
    public static func make(base: [RoutingExample], examples count: Int, classes: Int) -> ([RoutingExample], [Int]) {
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
