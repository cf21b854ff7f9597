import ArgumentParser
import Foundation
import Lifecycle
import Store

/// `localtriage runs ...`: the recorded training runs.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "Recorded training runs: parameters, code, data, metrics, artefact.",
        subcommands: [List.self, Show.self])

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Training runs, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "How many runs.") var limit = 20

        struct Output: Encodable { var runs: [TrainingRun] }

        func run(store: any StoreBackend) async throws {
            let registry = try ModelsCommand.registry(store, global)
            let runs = try await registry.store.trainingRuns(family: ModelRegistry.family, limit: limit)
            if global.json { return try Report.json(Output(runs: runs)) }
            func cell(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
            let formatter = ISO8601DateFormatter()
            print(Report.table([["run", "version", "started", "seconds", "examples", "data sha256", "val. acc.",
                                 "frozen acc.", "code"]] + runs.map { r in
                [String(r.id), r.modelVersion, formatter.string(from: r.startedAt), String(format: "%.1f", r.durationSeconds),
                 String(r.trainingData.examples), String(r.trainingData.sha256.prefix(12)), cell(r.validation.accuracy),
                 cell(r.evaluation?.accuracy), r.codeVersion]
            }))
        }
    }

    struct Show: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "One run in full (by run id or model version).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A run id or a model version.") var id: String

        struct Output: Encodable { var run: TrainingRun }

        func run(store: any StoreBackend) async throws {
            let found = if let number = Int64(id) {
                try await store.trainingRun(id: number)
            } else {
                try await store.trainingRun(modelVersion: id)
            }
            guard let run = found else { throw ValidationError("no training run \(id): see `localtriage runs list`") }
            if global.json { return try Report.json(Output(run: run)) }
            let formatter = ISO8601DateFormatter()
            var rows = [
                ["run", String(run.id)], ["version", run.modelVersion], ["started", formatter.string(from: run.startedAt)],
                ["duration", String(format: "%.1f s", run.durationSeconds)], ["code", run.codeVersion], ["actor", run.actor],
                ["training data", "\(run.trainingData.path) (\(run.trainingData.examples) examples)"],
                ["training sha256", run.trainingData.sha256],
                ["validation (n = \(run.validation.n))", ModelsCommand.metricsLine(run.validation)],
            ]
            if let set = run.evaluationSet {
                rows.append(["evaluation set", "\(set.path) (\(set.examples) examples)"])
                rows.append(["evaluation sha256", set.sha256])
            }
            if let m = run.evaluation { rows.append(["frozen set (n = \(m.n))", ModelsCommand.metricsLine(m)]) }
            rows += [["artefact", run.artifactPath], ["artefact sha256", run.artifactSHA256]]
            rows += run.parameters.sorted { $0.key < $1.key }.map { ["param \($0.key)", $0.value] }
            print(Report.table([["field", "value"]] + rows))
        }
    }
}
