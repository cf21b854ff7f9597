import Embeddings
import Foundation
import Lifecycle
import Store
import TestSupport

/// The anchor data (195 labelled training tickets, 60 evaluation tickets) from ../shared.
let anchorTrain = TestSupport.sharedFile("data/localtriage-anchor/train.jsonl")
let anchorEval = TestSupport.sharedFile("data/localtriage-anchor/eval.jsonl")
let anchorMissing = "the anchor data (../shared/data/localtriage-anchor) is not present"

/// all-MiniLM-L6-v2 from the .venv, when installed.
let encoder: SentenceEncoder? = {
    guard let directory = try? ModelLocator.miniLM(root: TestSupport.repositoryRoot) else { return nil }
    return try? SentenceEncoder(modelDirectory: directory)
}()

/// A fresh instance home with its store and registry, and real router trainings on the anchor data.
struct LifecycleFixture {
    let home: URL
    let store: SQLiteStore
    let registry: ModelRegistry

    init(_ label: String) throws {
        home = try TestSupport.temporaryDirectory(label)
        store = try SQLiteStore(home: home)
        registry = ModelRegistry(store: store, home: home)
    }

    /// The weaker configuration: every sixth training ticket (33 of 195), word TF-IDF features only.
    func trainWeak(evalSet: URL? = nil, refreezeReason: String? = nil, actor: String = "test") async throws
        -> RouterTraining.Outcome {
        try await train(try subset(every: 6), evalSet: evalSet, embeddings: false, refreezeReason: refreezeReason,
                        actor: actor)
    }

    /// The stronger configuration: all 195 training tickets, word TF-IDF and sentence embeddings.
    func trainStrong(evalSet: URL? = nil, actor: String = "test") async throws -> RouterTraining.Outcome {
        try await train(anchorTrain!, evalSet: evalSet, embeddings: true, actor: actor)
    }

    func train(_ data: URL, evalSet: URL?, embeddings: Bool, refreezeReason: String? = nil, actor: String = "test")
        async throws -> RouterTraining.Outcome {
        var training = RouterTraining(trainingData: LabelledData(path: data.path), actor: actor)
        training.evaluationSet = evalSet.map { LabelledData(path: $0.path) }
        training.refreezeReason = refreezeReason
        training.options.useEmbeddings = embeddings
        // Word features and one λ keep a debug-build training to seconds; both configurations use them.
        training.options.features.charNGramMin = 0
        training.options.features.charNGramMax = 0
        training.options.l2Grid = [1e-5]
        // The encoder is given even when the features do not use it: re-freezing scores the champion with it.
        let embed = encoder.map { e -> RouterTraining.Embedding in { e.encode($0) } }
        training.embedder = encoder?.identity
        return try await training.run(registry: registry, embed: embed)
    }

    /// Every `stride`-th line of the anchor training file, written into the home.
    func subset(every step: Int) throws -> URL {
        let lines = try String(contentsOf: anchorTrain!, encoding: .utf8).split(separator: "\n")
        let url = home.appendingPathComponent("train-every-\(step).jsonl")
        try (stride(from: 0, to: lines.count, by: step).map { String(lines[$0]) }.joined(separator: "\n") + "\n")
            .write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The first `count` lines of the anchor evaluation file: another evaluation set.
    func evalPrefix(_ count: Int) throws -> URL {
        let lines = try String(contentsOf: anchorEval!, encoding: .utf8).split(separator: "\n")
        let url = home.appendingPathComponent("eval-first-\(count).jsonl")
        try (lines.prefix(count).joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Audit events whose action starts with `prefix`, oldest first.
    func audit(_ prefix: String) async throws -> [AuditEvent] {
        try await store.auditLog(limit: 1_000).filter { $0.action.hasPrefix(prefix) }.reversed()
    }
}
