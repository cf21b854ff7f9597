import Domain
import Foundation
import Routing
import Store

/// A labelled data file and the fields holding text, category and priority.
public struct LabelledData: Sendable {
    public var path: String
    public var textField = "text"
    public var labelField = "category"
    public var priorityField = "priority"

    public init(path: String, textField: String = "text", labelField: String = "category",
                priorityField: String = "priority") {
        self.path = path
        self.textField = textField
        self.labelField = labelField
        self.priorityField = priorityField
    }

    /// The examples, how many rows were skipped (no text or label), and the file as a run records it.
    public func read() throws -> (examples: [RoutingExample], skipped: Int, reference: DatasetReference) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let (examples, skipped) = try RoutingDataset.read(path: url.path, textField: textField, labelField: labelField,
                                                          priorityField: priorityField)
        guard !examples.isEmpty else { throw LifecycleError("no labelled rows in \(path)") }
        return (examples, skipped,
                DatasetReference(path: url.path, sha256: try ContentHash.sha256(fileAt: url), examples: examples.count))
    }
}

/// Trains a router as a tracked run: reads the data, admits the evaluation set (the frozen one by default),
/// trains, saves the artefact, scores it on the frozen set, records the run, registers the version (the first
/// becomes champion), and writes its model card.
public struct RouterTraining {
    public var trainingData: LabelledData
    /// The evaluation set; nil uses the family's frozen set, if any (read with the training data's fields).
    public var evaluationSet: LabelledData?
    /// Given, a different evaluation set replaces the frozen one (audited with this reason).
    public var refreezeReason: String?
    public var options = RouterOptions()
    /// Category → queue; unmapped categories route to a queue of their own name.
    public var queues: [String: String] = [:]
    /// Who trains, for the run record and the audit log.
    public var actor: String
    /// The identity of the encoder behind `embed`, recorded in the manifest and checked when the router loads.
    public var embedder: EmbedderIdentity?

    public init(trainingData: LabelledData, actor: String) {
        self.trainingData = trainingData
        self.actor = actor
    }

    /// What a training run produced.
    public struct Outcome: Sendable {
        public var run: TrainingRun
        public var router: Router
        /// Rows of the training data without text or label.
        public var skipped: Int
        /// True when this run froze (or re-froze) the evaluation set.
        public var frozeEvaluationSet: Bool
        /// Set when this version became champion (the family's first).
        public var championChange: AliasChange?
    }

    /// Computes sentence embeddings of texts (the encoder named by `embedder`).
    public typealias Embedding = @Sendable ([String]) throws -> [[Float]]

    /// Runs the training. `embed` computes sentence embeddings (needed when `options.useEmbeddings`). The training
    /// and scoring run off the Swift concurrency pool (`offPool`): they take seconds to minutes of CPU.
    public func run(registry: ModelRegistry, embed: Embedding?) async throws -> Outcome {
        let training = try trainingData.read()
        var evaluation: (examples: [RoutingExample], reference: DatasetReference)?
        var froze = false
        if let data = try await evaluationData(registry) {
            let read = try data.read()
            evaluation = (read.examples, read.reference)
            if refreezeReason != nil { try await scoreChampion(on: read.examples, read.reference, registry, embed) }
            froze = try await registry.admitEvaluationSet(read.reference, refreezeReason: refreezeReason, actor: actor)
        }

        let startedAt = Date()
        let clock = ContinuousClock.now
        let (options, queues, evaluationExamples) = (options, queues, evaluation?.examples)
        let (router, metrics) = try await offPool {
            var router = try Router.train(training.examples, options: options, embed: embed)
            let unknown = Set(queues.keys).subtracting(router.categories)
            guard unknown.isEmpty else { throw LifecycleError("the queue map names unknown categories: \(unknown.sorted())") }
            router.queueByCategory = queues
            return (router, try evaluationExamples.map { try Self.score(router, on: $0, embed: embed) })
        }
        let manifest = try RouterArtifact.save(router, trainingData: training.reference, embedder: embedder,
                                               home: registry.home)
        // In the store before the version is registered: a replica that sees it named loads it at once.
        try await registry.publishArtifact(manifest.version)
        let duration = (ContinuousClock.now - clock).seconds

        let run = TrainingRun(
            family: ModelRegistry.family, modelVersion: manifest.version, startedAt: startedAt, durationSeconds: duration,
            codeVersion: CodeVersion.current(), parameters: parameters(router), trainingData: training.reference,
            evaluationSet: evaluation?.reference, validation: RouterMetrics.validation(router.validation),
            evaluation: metrics, artifactPath: RouterArtifact.directory(version: manifest.version, home: registry.home).path,
            artifactSHA256: manifest.artifactSHA256 ?? "", actor: actor)
        let (recorded, championChange) = try await registry.register(run)
        try ModelCard.write(for: recorded, categories: router.categories, home: registry.home)
        try await registry.publishArtifact(manifest.version)
        return Outcome(run: recorded, router: router, skipped: training.skipped, frozeEvaluationSet: froze,
                       championChange: championChange)
    }

    /// The explicit evaluation set, else the frozen one (which must still be on disk).
    private func evaluationData(_ registry: ModelRegistry) async throws -> LabelledData? {
        if let evaluationSet { return evaluationSet }
        guard let frozen = try await registry.store.frozenEvaluationSet(family: ModelRegistry.family) else { return nil }
        guard FileManager.default.fileExists(atPath: frozen.dataset.path) else {
            throw LifecycleError("the frozen evaluation set \(frozen.dataset.path) is gone: restore it, or give "
                + "--eval-set FILE --refreeze-eval-set --reason TEXT")
        }
        var data = trainingData
        data.path = frozen.dataset.path
        return data
    }

    /// A re-frozen set has no metrics of the champion yet: score it first, so the gate compares like with like.
    private func scoreChampion(on examples: [RoutingExample], _ set: DatasetReference, _ registry: ModelRegistry,
                               _ embed: Embedding?) async throws {
        guard let version = try await registry.championVersion(),
              try await registry.store.evaluation(modelVersion: version, evaluationSetSHA256: set.sha256) == nil else { return }
        try await registry.restoreArtifact(version)
        let loaded = try RouterArtifact.load(version, home: registry.home)
        if let embedder, embed != nil { try loaded.requireEmbedder(embedder) }
        let champion = loaded.router
        guard !champion.usesEmbeddings || embed != nil else {
            throw LifecycleError("the champion \(version) uses sentence embeddings: scoring it on the new evaluation set "
                + "needs the encoder it was trained with")
        }
        let metrics = try await offPool { try Self.score(champion, on: examples, embed: embed) }
        try await registry.store.recordEvaluation(modelVersion: version, evaluationSetSHA256: set.sha256, metrics: metrics)
    }

    private static func score(_ router: Router, on examples: [RoutingExample],
                              embed: Embedding?) throws -> ModelMetrics {
        let embeddings = router.usesEmbeddings ? try embed?(examples.map(\.text)) : nil
        return RouterMetrics.evaluate(router, on: examples, embeddings: embeddings)
    }

    /// The settings a run records (what was asked and what training chose).
    private func parameters(_ router: Router) -> [String: String] {
        var parameters = [
            "l2Grid": options.l2Grid.map { "\($0)" }.joined(separator: ","),
            "chosenL2": "\(router.validation.l2)",
            "useEmbeddings": "\(router.usesEmbeddings)",
            "abstainBelow": "\(options.abstainBelow)",
            "validationShare": "\(options.validationShare)",
            "p1TargetRecall": "\(options.p1TargetRecall)",
            "maxIterations": "\(options.maxIterations)",
            "temperature": "\(router.temperature)",
            "features": String(decoding: (try? JSONEncoder.sorted.encode(options.features)) ?? Data(), as: UTF8.self),
            "textField": trainingData.textField,
            "labelField": trainingData.labelField,
            "priorityField": trainingData.priorityField,
        ]
        if router.usesEmbeddings, let embedder { parameters["embedder"] = embedder.description }
        if let threshold = router.p1Threshold { parameters["p1Threshold"] = "\(threshold)" }
        if let folds = router.validation.folds { parameters["validationFolds"] = "\(folds)" }
        if let weight = router.centroidWeight { parameters["centroidWeight"] = "\(weight)" }
        if let familiarity = router.familiarity {
            parameters["unfamiliarShare"] = "\(familiarity.falseAlarmShare)"
            parameters["familiarityThreshold"] = "\(familiarity.threshold)"
        }
        if !queues.isEmpty {
            parameters["queues"] = queues.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
        return parameters
    }
}
