import Application
import ArgumentParser
import Drafting
import Foundation
import Search
import Store

/// `localtriage answers ...`: the approved-answer library — mine candidates from resolved tickets, review them
/// (approve, edit, retire), see how each fares with agents.
struct AnswersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers",
        abstract: "The approved-answer library: mine candidates from resolved tickets, approve, edit, retire, list.",
        discussion: """
            Mining groups near-duplicate resolutions of resolved tickets, keeps the most central one of each group as \
            the candidate answer with customer details (names, emails, phone, order and invoice numbers, amounts, \
            dates) turned into {{placeholders}}, and leaves out the sentences that report what was done for that \
            customer or promise what no knowledge-base passage backs. It also calibrates the match threshold on the \
            same tickets. Only approved answers are drafted: a ticket whose similarity to an approved answer's \
            examples reaches the threshold gets that answer as its draft, placeholders filled from the ticket.
            """,
        subcommands: [Mine.self, List.self, Show.self, Approve.self, Edit.self, Retire.self]
    )

    static var actor: String { ModelsCommand.actor }

    static func row(_ a: LibraryAnswer) -> [String] {
        let u = a.usage
        func pct(_ x: Double?) -> String { x.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        return [a.id, a.status.rawValue, String(a.title.prefix(48)), String(a.examples), String(u.drafts), pct(u.acceptanceRate),
                pct(u.editRate), u.meanEditDistance.map { String(format: "%.2f", $0) } ?? "–"]
    }

    static let header = ["id", "status", "title", "examples", "drafts", "accepted", "edited", "edit distance"]

    struct Mine: StoreCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mine candidate answers from the store's resolved tickets and calibrate the match threshold.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Resolutions at least this similar (cosine, 0–1) form a group.") var groupingSimilarity: Float = 0.85
        @Option(help: "Tickets a group needs to become a candidate.") var minimumGroup = 2
        @Option(help: "Share of matched answers that must be right at the calibrated threshold.") var targetPrecision = 0.9
        @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?

        struct Output: Encodable {
            var summary: MinedAnswersSummary
            var calibration: AnswerCalibration
            var emptiedGroups: Int
        }

        func validate() throws {
            guard (0.5...1).contains(groupingSimilarity) else { throw ValidationError("--grouping-similarity must be in 0.5...1") }
            guard minimumGroup >= 2 else { throw ValidationError("--minimum-group must be at least 2") }
            guard (0.5...1).contains(targetPrecision) else { throw ValidationError("--target-precision must be in 0.5...1") }
        }

        func run(store: any StoreBackend) async throws {
            let encoder = try EncoderLoader.load(explicit: model)
            let knowledge = try await KnowledgeServices(store: store, embedder: encoder)
            let (summary, result) = try await knowledge.mineAnswers(actor: AnswersCommand.actor) { miner in
                miner.groupingSimilarity = groupingSimilarity
                miner.minimumGroup = minimumGroup
                miner.targetPrecision = targetPrecision
            }
            let output = Output(summary: summary, calibration: result.calibration, emptiedGroups: result.emptied)
            if global.json { return try Report.json(output) }
            let c = result.calibration
            print("\(c.resolutions) resolutions → \(c.groups) groups: \(summary.created) new candidates, \(summary.extended) answers "
                + "extended, \(summary.skippedRetired) left retired, \(result.emptied) dropped (nothing left once claims were withheld)")
            print(String(format: "match threshold %.3f: precision %@ at coverage %.0f%% of %d grouped tickets; %@ of %d tickets "
                + "of a kind without an answer would get a wrong one (target precision %.0f%%)",
                         c.threshold, c.precision.map { String(format: "%.2f", $0) } ?? "–", c.coverage * 100, c.n,
                         c.novelFalseMatchRate.map { String(format: "%.1f%%", $0 * 100) } ?? "–", c.novel, c.targetPrecision * 100))
            print("Review the candidates: localtriage answers list --status candidate, then answers approve ID (or the web UI's Answers page).")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Answers with their usage, most used first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "candidate, approved or retired (default: all).") var status: String?
        @Flag(help: "Most edited first (edit rate, then mean edit distance).") var mostEdited = false

        func run(store: any StoreBackend) async throws {
            let filter = try status.map { raw -> AnswerStatus in
                guard let s = AnswerStatus(rawValue: raw) else { throw ValidationError("--status must be candidate, approved or retired") }
                return s
            }
            var answers = try await store.answers(status: filter)
            if mostEdited {
                answers.sort { ($0.usage.editRate ?? -1, $0.usage.meanEditDistance ?? -1) > ($1.usage.editRate ?? -1, $1.usage.meanEditDistance ?? -1) }
            }
            if global.json { return try Report.json(["answers": answers]) }
            print(Report.table([AnswersCommand.header] + answers.map(AnswersCommand.row)))
        }
    }

    struct Show: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "One answer in full.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The answer's id.") var id: String

        func run(store: any StoreBackend) async throws {
            guard let answer = try await store.answer(id: id) else { throw ValidationError("no answer \(id)") }
            if global.json { return try Report.json(answer) }
            print("\(answer.id) · \(answer.status.rawValue) · \(answer.origin.rawValue) · version \(answer.version) · \(answer.examples) examples")
            print("\n\(answer.title)\n\n\(answer.body)")
            if !answer.withheld.isEmpty { print("\nleft out when mined:\n" + answer.withheld.map { "  - \($0)" }.joined(separator: "\n")) }
            print("\n" + Report.table([AnswersCommand.header, AnswersCommand.row(answer)]))
        }
    }

    struct Approve: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Approve answers: only approved answers are drafted.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Answer ids.") var ids: [String] = []
        @Flag(help: "Approve every candidate (after reviewing them).") var allCandidates = false
        @Option(help: "Why, for the audit log.") var reason: String?

        func validate() throws {
            guard ids.isEmpty != !allCandidates else { throw ValidationError("give answer ids or --all-candidates") }
        }

        func run(store: any StoreBackend) async throws {
            let targets = allCandidates ? try await store.answers(status: .candidate).map(\.id) : ids
            var approved: [LibraryAnswer] = []
            for id in targets {
                approved.append(try await AnswersCommand.storeCall { try await store.setAnswerStatus(id: id, to: .approved, actor: AnswersCommand.actor, reason: reason) })
            }
            if global.json { return try Report.json(["answers": approved]) }
            print("approved \(approved.count) answer(s)")
        }
    }

    struct Edit: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Edit an answer's title or body (the body keeps its {{placeholders}}).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The answer's id.") var id: String
        @Option(help: "New title.") var title: String?
        @Option(help: "New body, or @FILE to read it from a file.") var body: String?

        func run(store: any StoreBackend) async throws {
            guard let current = try await store.answer(id: id) else { throw ValidationError("no answer \(id)") }
            var newBody = body ?? current.body
            if newBody.hasPrefix("@") { newBody = try String(contentsOfFile: String(newBody.dropFirst()), encoding: .utf8) }
            guard !newBody.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("the body may not be empty") }
            let edited = try await AnswersCommand.storeCall {
                try await store.editAnswer(id: id, title: title ?? current.title, body: newBody, expectedVersion: current.version,
                                           actor: AnswersCommand.actor)
            }
            if global.json { return try Report.json(edited) }
            print("\(edited.id) is at version \(edited.version)")
        }
    }

    struct Retire: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Retire an answer: it is no longer drafted, and re-mining leaves it retired.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The answer's id.") var id: String
        @Option(help: "Why, for the audit log.") var reason: String?

        func run(store: any StoreBackend) async throws {
            let retired = try await AnswersCommand.storeCall { try await store.setAnswerStatus(id: id, to: .retired, actor: AnswersCommand.actor, reason: reason) }
            if global.json { return try Report.json(retired) }
            print("retired \(retired.id)")
        }
    }

    /// A store refusal (no such answer, a stale version) as a usage error with the store's words.
    static func storeCall<T>(_ call: () async throws -> T) async throws -> T {
        do { return try await call() } catch let error as StoreError { throw ValidationError(error.description) }
    }
}
