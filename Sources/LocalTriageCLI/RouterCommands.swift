import ArgumentParser
import Domain
import Embeddings
import Foundation
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

    func read() throws -> [RoutingExample] {
        let (examples, skipped) = try RoutingDataset.read(path: data, textField: textField, labelField: labelField,
                                                          priorityField: priorityField)
        if skipped > 0 { Report.note("skipped \(skipped) rows without \(textField) or \(labelField)") }
        guard !examples.isEmpty else { throw ValidationError("no labelled rows in \(data)") }
        return examples
    }
}

/// `localtriage train router`.
struct TrainRouter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Train the category and priority router; writes a versioned artefact under <home>/models/router."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var source: RoutingDataOptions
    @Flag(help: "TF-IDF features only (no sentence embeddings).") var noEmbeddings = false
    @Option(help: "Calibrated confidence below which the router abstains.") var abstainBelow = 0.5
    @Option(help: "L2 strengths to try on the validation split, comma-separated.") var l2 = "3e-6,1e-5,3e-5,1e-4"
    @Option(help: "A JSON file mapping categories to queues ({\"Billing\": \"finance-team\"}); unmapped ones route to a queue of their own name.")
    var queues: String?

    struct Output: Encodable {
        var version: String
        var path: String
        var examples: Int
        var categories: [String]
        var seconds: Double
        var validation: Router.ValidationReport
        var usesEmbeddings: Bool
        var temperature: Float
        var p1Threshold: Double?
    }

    func run() async throws {
        let examples = try source.read()
        var options = RouterOptions()
        options.useEmbeddings = !noEmbeddings
        options.abstainBelow = abstainBelow
        options.l2Grid = try l2.split(separator: ",").map {
            guard let value = Float($0.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ValidationError("--l2 takes positive numbers separated by commas")
            }
            return value
        }
        let encoder = options.useEmbeddings ? try EncoderLoader.load() : nil
        let started = ContinuousClock.now
        var router = try Router.train(examples, options: options, embed: encoder.map { e in { e.encode($0) } })
        if let queues {
            guard let map = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: queues)))
                as? [String: String] else { throw ValidationError("\(queues) must be a JSON object of category → queue") }
            let unknown = Set(map.keys).subtracting(router.categories)
            guard unknown.isEmpty else { throw ValidationError("unknown categories in \(queues): \(unknown.sorted())") }
            router.queueByCategory = map
        }
        let seconds = (ContinuousClock.now - started).seconds
        let artifact = try RouterArtifact.save(router, dataPath: source.data, examples: examples.count,
                                               home: try global.homeDirectory())
        let output = Output(version: artifact.version, path: artifact.path, examples: examples.count,
                            categories: router.categories, seconds: seconds, validation: router.validation,
                            usesEmbeddings: router.usesEmbeddings, temperature: router.temperature,
                            p1Threshold: router.p1Threshold)
        if global.json { return try Report.json(output) }
        print("Router \(output.version) trained on \(examples.count) examples, \(router.categories.count) categories, "
            + String(format: "%.1f s", seconds) + " → \(output.path)")
        let v = router.validation
        print("validation (n = \(v.n)): accuracy \(String(format: "%.3f", v.accuracy)), λ \(v.l2), "
            + "ECE \(String(format: "%.3f", v.expectedCalibrationErrorBefore)) → "
            + "\(String(format: "%.3f", v.expectedCalibrationErrorAfter)) after temperature \(String(format: "%.2f", router.temperature))")
    }
}

/// Saved routers: `<home>/models/router/<version>/router.json` with a manifest of data hash and metrics.
enum RouterArtifact {
    struct Manifest: Codable {
        var version: String
        var createdAt: Date
        var trainingData: String
        var trainingDataSHA256: String
        var examples: Int
        var validation: Router.ValidationReport
        var usesEmbeddings: Bool
        var embeddingModel: String?
    }

    static func save(_ router: Router, dataPath: String, examples: Int, home: URL) throws -> (version: String, path: String) {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss-SSS"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let version = "router-" + formatter.string(from: Date())
        let dir = home.appendingPathComponent("models/router/\(version)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let manifest = Manifest(
            version: version, createdAt: Date(), trainingData: URL(fileURLWithPath: dataPath).standardizedFileURL.path,
            trainingDataSHA256: try ContentHash.sha256(fileAt: URL(fileURLWithPath: dataPath)), examples: examples,
            validation: router.validation, usesEmbeddings: router.usesEmbeddings,
            embeddingModel: router.usesEmbeddings ? "all-MiniLM-L6-v2" : nil)
        try Report.encoded(manifest).write(to: dir.appendingPathComponent("manifest.json"))
        try JSONEncoder().encode(router).write(to: dir.appendingPathComponent("router.json"))
        return (version, dir.path)
    }

    /// Loads `path` (a version folder), or the newest version under the home when `path` is nil or "latest".
    static func load(_ path: String?, home: URL) throws -> (router: Router, version: String) {
        var dir: URL
        if let path, path != "latest" {
            dir = URL(fileURLWithPath: path)
        } else {
            let root = home.appendingPathComponent("models/router")
            guard let newest = (try? FileManager.default.contentsOfDirectory(atPath: root.path))?.sorted().last else {
                throw ValidationError("no trained router under \(root.path): run `localtriage train router --data FILE`")
            }
            dir = root.appendingPathComponent(newest)
        }
        let router = try JSONDecoder().decode(Router.self, from: Data(contentsOf: dir.appendingPathComponent("router.json")))
        return (router, dir.lastPathComponent)
    }
}

/// `localtriage triage --text "..."`.
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage", abstract: "Route a ticket text: category, queue, priority, confidence or abstain.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "A ticket text to route (nothing is stored).") var text: String?
    @Flag(help: "Route every stored ticket this model has not routed yet, and record the predictions.") var stored = false
    @Option(help: "A router version folder, or latest.") var model = "latest"

    struct StoredOutput: Encodable {
        var model: String
        var triaged: Int
        var abstained: Int
        var byQueue: [String: Int]
        var p1: Int
    }

    func validate() throws {
        guard (text != nil) != stored else { throw ValidationError("give either --text or --stored") }
    }

    func run() async throws {
        let home = try global.homeDirectory()
        let (router, version) = try RouterArtifact.load(model, home: home)
        guard let text else { return try await triageStored(router, version: version, home: home) }
        let embedding = router.usesEmbeddings ? try EncoderLoader.load().encode([text]).first : nil
        let decision = router.route(text, embedding: embedding)
        if global.json { return try Report.json(decision) }
        print("router \(version)")
        print(decision.abstained
              ? "category: needs human (best guess \(decision.suggestedCategory))"
              : "category: \(decision.category!)  queue: \(decision.queue!)")
        print(String(format: "confidence: %.2f", decision.confidence))
        if let priority = decision.priority {
            print("priority: \(priority.rawValue)" + (decision.p1Probability.map { String(format: "  (P(P1) %.2f)", $0) } ?? ""))
        }
        print("top: " + decision.top.map { "\($0.label) \(String(format: "%.2f", $0.probability))" }.joined(separator: ", "))
    }

    /// Routes the stored tickets the model has not seen, in batches, recording each prediction.
    private func triageStored(_ router: Router, version: String, home: URL) async throws {
        let store = try SQLiteStore(home: home)
        let encoder = router.usesEmbeddings ? try EncoderLoader.load() : nil
        var output = StoredOutput(model: version, triaged: 0, abstained: 0, byQueue: [:], p1: 0)
        while true {
            let tickets = try await store.ticketsAwaitingTriage(modelVersion: version, limit: 256)
            guard !tickets.isEmpty else { break }
            let embeddings = encoder?.encode(tickets.map(\.text))
            let predictions = try tickets.indices.map { i -> StoredPrediction in
                let decision = router.route(tickets[i].text, embedding: embeddings?[i])
                output.triaged += 1
                output.abstained += decision.abstained ? 1 : 0
                output.p1 += decision.priority == .p1 ? 1 : 0
                output.byQueue[decision.queue ?? "needs human", default: 0] += 1
                return StoredPrediction(
                    ticketExternalID: tickets[i].externalID, modelVersion: version, category: decision.category,
                    queue: decision.queue, suggestedCategory: decision.suggestedCategory, confidence: decision.confidence,
                    abstained: decision.abstained, priority: decision.priority,
                    details: String(decoding: try JSONEncoder.sorted.encode(decision), as: UTF8.self))
            }
            try await store.savePredictions(predictions)
        }
        if global.json { return try Report.json(output) }
        print("Routed \(output.triaged) stored tickets with \(version): \(output.abstained) need a human, \(output.p1) flagged P1")
        print(Report.table([["queue", "tickets"]] + output.byQueue.sorted { $0.value > $1.value }.map { [$0.key, String($0.value)] }))
    }
}
