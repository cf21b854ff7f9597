import ArgumentParser
import Foundation
import Lifecycle
import Store

/// `localtriage models ...`: the router registry (champion / challenger, gated promotion, rollback, cards).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Registered router versions: list, promote through the gate, roll back, challenger and its shadow evaluation, model cards.",
        subcommands: [List.self, Promote.self, Rollback.self, Challenger.self, Shadow.self, Card.self, History.self]
    )

    /// Who changes the registry from the command line, for the audit log.
    static var actor: String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? NSUserName()) }

    static func registry(_ store: any StoreBackend, _ global: GlobalOptions) throws -> ModelRegistry {
        ModelRegistry(store: store, home: try global.homeDirectory())
    }

    /// One line of metrics for people.
    static func metricsLine(_ m: ModelMetrics) -> String {
        func value(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        return "accuracy \(value(m.accuracy)), macro-F1 \(value(m.macroF1)), P1 recall \(value(m.p1Recall))"
            + (m.p1Support.map { " (of \($0))" } ?? "") + ", abstain \(value(m.abstainRate)), ECE \(value(m.expectedCalibrationError))"
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Registered versions, newest first, with their aliases and metrics on the frozen evaluation set.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "How many versions.") var limit = 50

        struct Output: Encodable {
            var champion: String?
            var challenger: String?
            var frozenEvaluationSet: FrozenEvaluationSet?
            var versions: [ModelRegistry.VersionSummary]
        }

        func run(store: any StoreBackend) async throws {
            let registry = try ModelsCommand.registry(store, global)
            let aliases = try await registry.aliases()
            let output = Output(
                champion: aliases[.champion], challenger: aliases[.challenger],
                frozenEvaluationSet: try await registry.store.frozenEvaluationSet(family: ModelRegistry.family),
                versions: try await registry.versions(limit: limit))
            if global.json { return try Report.json(output) }
            if let set = output.frozenEvaluationSet {
                print("frozen evaluation set: \(set.dataset.path) (\(set.dataset.examples) examples, sha256 \(set.dataset.sha256.prefix(12)))")
            }
            func cell(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
            print(Report.table([["version", "alias", "run", "examples", "accuracy", "macro-F1", "P1 recall", "abstain", "ECE"]]
                + output.versions.map { v in
                    let m = v.frozenSetMetrics
                    return [v.version, v.aliases.map(\.rawValue).joined(separator: ","), String(v.run.id),
                            String(v.run.trainingData.examples), cell(m?.accuracy), cell(m?.macroF1), cell(m?.p1Recall),
                            cell(m?.abstainRate), cell(m?.expectedCalibrationError)]
                }))
        }
    }

    struct Promote: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a version the champion if it beats the champion on the frozen evaluation set.",
            discussion: """
                The gate: accuracy at least the champion's plus --margin points, and P1 recall not lower. \
                --force --reason TEXT promotes anyway; the verdict and the reason are audited.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The version to promote (see `models list`).") var version: String
        @Option(help: "Required accuracy gain over the champion, in percentage points.") var margin = 0.5
        @Flag(help: "Promote even if the gate refuses (needs --reason).") var force = false
        @Option(help: "Why (required with --force).") var reason: String?

        struct Refused: Encodable {
            var promoted = false
            var version: String
            var verdict: PromotionGate.Verdict
        }

        struct Promoted: Encodable {
            var promoted = true
            var promotion: ModelRegistry.Promotion
        }

        func validate() throws {
            if force && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("--force needs --reason TEXT (it is written to the audit log)")
            }
            guard margin >= 0 else { throw ValidationError("--margin must not be negative") }
        }

        func run(store: any StoreBackend) async throws {
            let registry = try ModelsCommand.registry(store, global)
            do {
                let promotion = try await registry.promote(
                    version, gate: PromotionGate(margin: margin / 100), forceReason: force ? reason : nil,
                    actor: ModelsCommand.actor)
                if global.json { return try Report.json(Promoted(promotion: promotion)) }
                print("\(version) is the champion (was \(promotion.change.previousVersion ?? "none"))"
                    + (promotion.forced ? ", forced: \(reason ?? "")" : "") + ".")
                print(promotion.verdict.explanation)
            } catch let refused as ModelRegistry.PromotionRefused where global.json {
                try Report.json(Refused(version: version, verdict: refused.verdict))
                throw ExitCode.failure
            }
        }
    }

    struct Rollback: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Move the champion back to the previous one.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Why (written to the audit log).") var reason = "rollback"

        func run(store: any StoreBackend) async throws {
            let change = try await ModelsCommand.registry(store, global).rollback(actor: ModelsCommand.actor, reason: reason)
            if global.json { return try Report.json(change) }
            print("champion rolled back: \(change.previousVersion ?? "none") → \(change.version ?? "none")")
        }
    }

    struct Challenger: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Name a version the challenger (or --clear it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The version.") var version: String?
        @Flag(help: "Clear the challenger alias.") var clear = false
        @Option(help: "Why (written to the audit log).") var reason = "challenger assigned"

        func validate() throws {
            guard (version != nil) != clear else { throw ValidationError("give a version or --clear") }
        }

        func run(store: any StoreBackend) async throws {
            let change = try await ModelsCommand.registry(store, global).setChallenger(version, actor: ModelsCommand.actor,
                                                                                 reason: reason)
            if global.json { return try Report.json(change) }
            print("challenger: \(change.previousVersion ?? "none") → \(change.version ?? "none")")
        }
    }

    struct Shadow: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shadow evaluation: the challenger beside the champion on the live tickets the server triaged.",
            discussion: """
                The server scores every stored ticket it triages with the challenger too (nothing of it is shown to \
                agents). Reports category and priority agreement, and each router's accuracy on the tickets whose \
                route agents corrected or confirmed.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The challenger version (default: the current challenger).") var version: String?

        func run(store: any StoreBackend) async throws {
            guard let report = try await ModelsCommand.registry(store, global).shadowReport(challenger: version) else {
                throw ValidationError("no challenger is named: `localtriage models challenger VERSION` first")
            }
            if global.json { return try Report.json(report) }
            print(Self.text(report))
        }

        static func text(_ r: ShadowReport) -> String {
            func percent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
            var lines = ["challenger \(r.challenger) beside champion \(r.championVersions.joined(separator: ", ")) "
                + "on \(r.tickets) live tickets",
                         "category agreement \(percent(r.categoryAgreement)), priority agreement \(percent(r.priorityAgreement))"]
            for (name, accuracy) in [("category", r.category), ("priority", r.priority)] {
                lines.append(accuracy.map {
                    "\(name) accuracy on \($0.n) agent-routed tickets: champion \(percent($0.champion)), "
                        + "challenger \(percent($0.challenger))"
                } ?? "\(name) accuracy: no agent-routed tickets yet")
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Card: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Print a version's model card (MODEL_CARD.md).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The version (default: the champion).") var version: String?

        struct Output: Encodable {
            var version: String
            var path: String
            var card: String
        }

        func run(store: any StoreBackend) async throws {
            let registry = try ModelsCommand.registry(store, global)
            let champion = try await registry.championVersion()
            guard let version = version ?? champion else {
                throw ValidationError("no champion yet: give a version")
            }
            guard try await registry.store.trainingRun(modelVersion: version) != nil else {
                throw ValidationError("no registered router version \(version): see `localtriage models list`")
            }
            try await registry.restoreArtifact(version)
            let url = ModelCard.url(version: version, home: registry.home)
            let card = try String(contentsOf: url, encoding: .utf8)
            if global.json { return try Report.json(Output(version: version, path: url.path, card: card)) }
            print(card, terminator: "")
        }
    }

    struct History: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Every alias move: promotions, rollbacks, challengers.")
        @OptionGroup var global: GlobalOptions

        struct Output: Encodable { var history: [AliasChange] }

        func run(store: any StoreBackend) async throws {
            let history = try await ModelsCommand.registry(store, global).history()
            if global.json { return try Report.json(Output(history: history)) }
            let formatter = ISO8601DateFormatter()
            print(Report.table([["at", "alias", "action", "from", "to", "actor", "reason"]] + history.map {
                [formatter.string(from: $0.at), $0.alias.rawValue, $0.action.rawValue, $0.previousVersion ?? "–",
                 $0.version ?? "–", $0.actor, $0.reason]
            }))
        }
    }
}
