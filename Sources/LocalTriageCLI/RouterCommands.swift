import Application
import ArgumentParser
import Domain
import Embeddings
import Foundation
import Lifecycle
import Routing
import Store

/// `localtriage train ...`.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train models.", subcommands: [TrainRouter.self])
}

/// Where routing data comes from and which fields hold what.
struct RoutingDataOptions: ParsableArguments {
    @Option(help: "Labelled data: CSV, JSON or JSONL.") var data: String
    @Option(help: "Field holding the ticket text.") var textField = "text"
    @Option(help: "Field holding the category.") var labelField = "category"
    @Option(help: "Field holding the priority (optional).") var priorityField = "priority"

    var labelledData: LabelledData {
        LabelledData(path: data, textField: textField, labelField: labelField, priorityField: priorityField)
    }

    func read() throws -> [RoutingExample] {
        let (examples, skipped) = try RoutingDataset.read(path: data, textField: textField, labelField: labelField,
                                                          priorityField: priorityField)
        if skipped > 0 { Report.note("skipped \(skipped) rows without \(textField) or \(labelField)") }
        guard !examples.isEmpty else { throw ValidationError("no labelled rows in \(data)") }
        return examples
    }
}

/// `localtriage train router`: a tracked run, registered in the model registry.
struct TrainRouter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Train the category and priority router; writes a versioned artefact under <home>/models/router, "
            + "records the run and registers the version (the first one becomes champion).",
        discussion: """
            The first --eval-set given is frozen by content hash: later runs are scored on it by default, and \
            promotions compare on it. A different set is refused unless re-frozen with --refreeze-eval-set --reason.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var source: RoutingDataOptions
    @Option(help: "Labelled evaluation set (same fields as --data); default: the frozen one.") var evalSet: String?
    @Flag(help: "Replace the frozen evaluation set with --eval-set (audited; needs --reason).") var refreezeEvalSet = false
    @Option(help: "Why the evaluation set is re-frozen.") var reason: String?
    @Flag(help: "TF-IDF features only (no sentence embeddings).") var noEmbeddings = false
    @Option(help: "Calibrated confidence below which the router abstains.") var abstainBelow = 0.5
    @Option(help: "Share of tickets of known categories the familiarity check may call unfamiliar (with embeddings).")
    var unfamiliarShare = 0.05
    @Option(help: "L2 strengths to try on the validation split, comma-separated.") var l2 = "3e-6,1e-5,3e-5,1e-4"
    @Option(help: "A JSON file mapping categories to queues ({\"Billing\": \"finance-team\"}); unmapped ones route to a queue of their own name.")
    var queues: String?

    struct Output: Encodable {
        var version: String
        var path: String
        var runID: Int64
        var examples: Int
        var categories: [String]
        var seconds: Double
        var validation: Router.ValidationReport
        var evaluation: ModelMetrics?
        var evaluationSet: DatasetReference?
        var frozeEvaluationSet: Bool
        var champion: Bool
        var usesEmbeddings: Bool
        var temperature: Float
        var p1Threshold: Double?
    }

    func validate() throws {
        if refreezeEvalSet && (evalSet == nil || (reason ?? "").isEmpty) {
            throw ValidationError("--refreeze-eval-set needs --eval-set FILE and --reason TEXT")
        }
    }

    func run() async throws {
        let home = try global.homeDirectory()
        var training = RouterTraining(trainingData: source.labelledData, actor: ModelsCommand.actor)
        training.evaluationSet = evalSet.map {
            LabelledData(path: $0, textField: source.textField, labelField: source.labelField, priorityField: source.priorityField)
        }
        training.refreezeReason = refreezeEvalSet ? reason : nil
        training.options.useEmbeddings = !noEmbeddings
        training.options.abstainBelow = abstainBelow
        training.options.unfamiliarShare = unfamiliarShare
        training.options.l2Grid = try l2.split(separator: ",").map {
            guard let value = Float($0.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ValidationError("--l2 takes positive numbers separated by commas")
            }
            return value
        }
        if let queues {
            guard let map = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: queues)))
                as? [String: String] else { throw ValidationError("\(queues) must be a JSON object of category → queue") }
            training.queues = map
        }
        // Re-freezing scores the champion on the new set, which may need the encoder even for TF-IDF-only training.
        let encoder = training.options.useEmbeddings ? try EncoderLoader.load()
            : refreezeEvalSet ? EncoderLoader.loadIfAvailable() : nil
        let embed = encoder.map { e -> RouterTraining.Embedding in { e.encode($0) } }
        training.embedder = encoder?.identity
        let outcome = try await global.withStore { store in
            try await training.run(registry: ModelRegistry(store: store, home: home), embed: embed)
        }
        if outcome.skipped > 0 { Report.note("skipped \(outcome.skipped) rows without \(source.textField) or \(source.labelField)") }
        let run = outcome.run, router = outcome.router
        let output = Output(
            version: run.modelVersion, path: run.artifactPath, runID: run.id, examples: run.trainingData.examples,
            categories: router.categories, seconds: run.durationSeconds, validation: router.validation,
            evaluation: run.evaluation, evaluationSet: run.evaluationSet, frozeEvaluationSet: outcome.frozeEvaluationSet,
            champion: outcome.championChange != nil, usesEmbeddings: router.usesEmbeddings,
            temperature: router.temperature, p1Threshold: router.p1Threshold)
        if global.json { return try Report.json(output) }
        print("Router \(output.version) (run \(run.id)) trained on \(output.examples) examples, \(router.categories.count) "
            + "categories, " + String(format: "%.1f s", run.durationSeconds) + " → \(output.path)")
        let v = router.validation
        print("validation (n = \(v.n)): accuracy \(String(format: "%.3f", v.accuracy)), λ \(v.l2), "
            + "ECE \(String(format: "%.3f", v.expectedCalibrationErrorBefore)) → "
            + "\(String(format: "%.3f", v.expectedCalibrationErrorAfter)) after temperature \(String(format: "%.2f", router.temperature))")
        if let m = run.evaluation, let set = run.evaluationSet {
            print("frozen evaluation set (n = \(m.n)\(outcome.frozeEvaluationSet ? ", frozen now" : "")): "
                + ModelsCommand.metricsLine(m) + " — \(set.path)")
        }
        print(outcome.championChange != nil
              ? "This is the first registered router: it is the champion."
              : "Registered. Compare and promote it with `localtriage models promote \(run.modelVersion)`.")
    }
}

/// `localtriage triage --text "..."`.
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage", abstract: "Route a ticket text: category, queue, priority, confidence or abstain.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "A ticket text to route (nothing is stored).") var text: String?
    @Flag(help: "Route every stored ticket this model has not routed yet, and record the predictions (with the champion, the challenger's too, as shadow records).") var stored = false
    @Option(help: ArgumentHelp(stringLiteral: RouterSelection.help)) var model = "champion"

    struct StoredOutput: Encodable {
        var model: String
        var triaged: Int
        var abstained: Int
        var byQueue: [String: Int]
        var p1: Int
    }

    /// The decision's fields, plus the version of the router that made it.
    struct TextOutput: Encodable {
        var decision: RoutingDecision
        var model: String

        private enum CodingKeys: String, CodingKey { case model }

        func encode(to encoder: Encoder) throws {
            try decision.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model)
        }
    }

    func validate() throws {
        guard (text != nil) != stored else { throw ValidationError("give either --text or --stored") }
    }

    func run() async throws {
        let home = try global.homeDirectory()
        let loaded = try await RouterSelection.load(model, global: global)
        let (router, version) = (loaded.router, loaded.version)
        guard let text else { return try await triageStored(loaded, home: home) }
        let encoder = router.usesEmbeddings ? try EncoderLoader.load() : nil
        try loaded.requireEmbedder(encoder?.identity)
        let decision = try router.checkedRoute(text, embedding: encoder?.encode([text]).first)
        if global.json { return try Report.json(TextOutput(decision: decision, model: version)) }
        print("router \(version)")
        print(decision.abstained
              ? "category: needs human (best guess \(decision.suggestedCategory)): \(decision.abstainExplanation ?? "")"
              : "category: \(decision.category!)  queue: \(decision.queue!)")
        print(String(format: "confidence: %.2f", decision.confidence))
        if let priority = decision.priority {
            print("priority: \(priority.rawValue)" + (decision.p1Probability.map { String(format: "  (P(P1) %.2f)", $0) } ?? ""))
        }
        print("top: " + decision.top.map { "\($0.label) \(String(format: "%.2f", $0.probability))" }.joined(separator: ", "))
    }

    /// Routes the stored tickets the model has not seen, in batches, recording each prediction; the champion's
    /// challenger, if one is named, routes them too (shadow records).
    private func triageStored(_ loaded: RouterArtifact.Loaded, home: URL) async throws {
        try await global.withStore { try await triageStored(loaded, home: home, store: $0) }
    }

    private func triageStored(_ loaded: RouterArtifact.Loaded, home: URL, store: any StoreBackend) async throws {
        let (router, version) = (loaded.router, loaded.version)
        let encoder = router.usesEmbeddings ? try EncoderLoader.load() : nil
        try loaded.requireEmbedder(encoder?.identity)
        // A challenger that cannot be loaded (another embedder, a missing artefact) leaves the champion's work alone.
        let challenger = model == "champion"
            ? try? await RouterProvider(store: store, home: home, embedder: encoder?.identity).current().challenger : nil
        let service = TriageService(store: store, embed: { texts in
            guard let encoder else { throw ValidationError("the challenger routes with embeddings: install the encoder (make setup)") }
            return try await encoder.embedOffPool(texts)
        })
        var output = StoredOutput(model: version, triaged: 0, abstained: 0, byQueue: [:], p1: 0)
        try await service.triageStored(with: (version, router), challenger: challenger) { decision in
            output.triaged += 1
            output.abstained += decision.abstained ? 1 : 0
            output.p1 += decision.priority == .p1 ? 1 : 0
            output.byQueue[decision.queue ?? "needs human", default: 0] += 1
        }
        if global.json { return try Report.json(output) }
        print("Routed \(output.triaged) stored tickets with \(version): \(output.abstained) need a human, \(output.p1) flagged P1")
        print(Report.table([["queue", "tickets"]] + output.byQueue.sorted { $0.value > $1.value }.map { [$0.key, String($0.value)] }))
    }
}
