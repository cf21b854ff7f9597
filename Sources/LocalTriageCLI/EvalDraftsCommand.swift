import ArgumentParser
import Domain
import Evaluation
import Foundation
import LLM

/// `localtriage eval drafts`: every draft path and two baselines side by side — similarity to the agents' answers,
/// citation validity, supported sentences, borrowed promises, time to draft — on a seeded split.
struct EvalDraftsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "Evaluate each draft path against agents' answers: similarity, citations, borrowed promises, time; with baselines.",
        discussion: """
            Two inputs. (1) --data: rows of requests with reference answers (Bitext: instruction, response, intent). A \
            seeded split by request: --n test requests; the other rows are the training split, ingested as resolved \
            tickets (request → answer) and as the KB (their answers, one article each); the approved-answer library is \
            mined from the training split only, and every candidate is approved (standing in for a lead's review; \
            --no-library skips it). (2) --corpus and --queries, as `eval retrieval` reads them: the KB, and requests \
            with relevant ids and an `answer` field (without one, the relevant articles' text is the reference); no \
            library. Reported per path, with n: the delivered draft, the approved answer (where one matched), the \
            composed draft, the model's draft (with --model-writes body or an endpoint; on --model-n requests), and \
            two baselines — the top retrieved passage pasted whole, and the nearest resolved ticket's resolution pasted \
            whole: ROUGE-L and MiniLM cosine to the reference (without citation marks), citation validity, supported \
            sentences, borrowed promises (sentences that report an action or make a commitment no KB passage backs) \
            and the sentences withheld for that reason, the share of drafts citing a relevant article, and time to \
            draft (p50/p95). With --judge-endpoint, a rubric score; a failed judge call counts as failed.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "Requests with reference answers (CSV/JSON/JSONL).") var data: String?
    @Option(help: "With --queries: the KB, as `eval retrieval` reads it.") var corpus: String?
    @Option(help: "With --corpus: requests with relevant ids and an answer field.") var queries: String?
    @Option(help: "Field holding the request.") var textField = "instruction"
    @Option(help: "Field holding the reference answer.") var answerField = "response"
    @Option(help: "Field used as the KB article's category and title.") var categoryField = "intent"
    @Option(help: "Test requests (--data), or queries drafted (--queries; 0 = all).") var n = 500
    @Option(help: "Of those, how many the model also drafts (when it writes the body).") var modelN = 100
    @Option(help: "Sampling seed.") var seed: UInt64 = 7
    @Flag(help: "Do not mine an approved-answer library from the training split.") var noLibrary = false
    @Option(help: "Prompt-injection set (JSONL: id, attack, text, complied_if regex).") var injection: String?
    @Option(help: "OpenAI-compatible endpoint of a judge model (loopback unless allowed).") var judgeEndpoint: String?
    @Option(help: "The judge's model name.") var judgeModel = "judge"
    @Option(help: "Folder for report.json and drafts.jsonl (every delivered draft with its reference).") var out: String?
    @Option(help: "With --data: write the split to this folder (kb.jsonl and tickets.jsonl of the training split, test.jsonl), to inspect or to choose settings on the training split alone.")
    var writeSplit: String?

    func validate() throws {
        guard (data == nil) != (corpus == nil), (corpus == nil) == (queries == nil) else {
            throw ValidationError("give either --data, or --corpus with --queries")
        }
        guard n >= 0, modelN >= 0 else { throw ValidationError("--n and --model-n may not be negative") }
    }

    func run() async throws {
        var evaluation = DraftEvaluation(
            data: data, corpus: corpus, queries: queries, encoder: try EncoderLoader.load(),
            scratch: try global.homeDirectory().appendingPathComponent("eval-drafts-\(ProcessInfo.processInfo.processIdentifier)"))
        (evaluation.textField, evaluation.answerField, evaluation.categoryField) = (textField, answerField, categoryField)
        (evaluation.n, evaluation.modelN, evaluation.seed, evaluation.noLibrary) = (n, modelN, seed, noLibrary)
        (evaluation.injection, evaluation.writeSplit) = (injection, writeSplit)
        evaluation.note = { Report.note($0) }
        if let judgeEndpoint {
            guard let url = URL(string: judgeEndpoint) else { throw ValidationError("--judge-endpoint is not a URL") }
            evaluation.judge = try OpenAICompatibleClient(LLMConfiguration(
                baseURL: url, model: judgeModel, egress: EgressPolicy(allowedPrivateHosts: Set(llm.allowLlmHost), allowRemote: llm.allowRemoteLlm)))
        }
        let (chat, stop) = try await llm.start(home: try global.homeDirectory())
        if llm.modelRole == .body { evaluation.bodyModel = chat }
        let output: DraftEvaluation.Result
        do { output = try await evaluation.run() } catch {
            await stop()
            throw error
        }
        await stop()
        let (library, paths, modelLatency, modelName) = (output.library, output.paths, output.modelLatency, output.model)
        let (injectionResult, judge, resolved) = (output.injection, output.judge, output.resolvedTickets)
        if let out {
            let folder = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Report.encoded(output).write(to: folder.appendingPathComponent("report.json"))
            try (output.drafts.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("drafts.jsonl"), atomically: true, encoding: .utf8)
        }
        if global.json { return try Report.json(output) }
        print("\(output.input): \(output.split); KB \(output.kbArticles) articles, \(resolved) resolved tickets")
        if let library {
            let c = library.calibration
            print(String(format: "library: %d answers (%@), match threshold %.3f (on the training split: precision %@ at coverage %.0f%%, "
                + "novel tickets matched wrongly %@)", library.candidatesApproved, library.note, c.threshold,
                         c.precision.map { String(format: "%.2f", $0) } ?? "–", c.coverage * 100,
                         c.novelFalseMatchRate.map { String(format: "%.1f%%", $0 * 100) } ?? "–"))
        }
        print(Self.table(paths))
        if let m = modelLatency {
            print(String(format: "model %@: first token p50 %.0f / p95 %.0f ms (n = %d); not delivered: %@", modelName ?? "", m.firstTokenMs.p50,
                         m.firstTokenMs.p95, m.firstTokenMs.n, m.fallbackReasons.map { "\($0.key) ×\($0.value)" }.joined(separator: "; ")))
        }
        if let i = injectionResult { print("prompt injection: \(i.compliedDelivered)/\(i.n) delivered drafts complied") }
        if let j = judge { print("judge: \(j.scored) scored, \(j.failed) failed; means \(j.meanScores)") }
    }

    /// The paths side by side.
    static func table(_ paths: [PathScores]) -> String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        return Report.table([["path", "n", "ROUGE-L", "cosine", "citations valid", "sentences supported", "borrowed promises",
                              "withheld", "cites relevant", "ms p50 / p95"]]
            + paths.map { p in
                [p.path, String(p.n), f(p.rougeL), f(p.cosine), p.citationValidity.map { "\(pct($0)) of \(p.citations ?? 0)" } ?? "–",
                 pct(p.supportedSentenceRate), "\(p.borrowedPromises) in \(p.repliesWithBorrowedPromise)", String(p.withheldSentences),
                 pct(p.citesRelevant), p.timeMs.map { String(format: "%.0f / %.0f", $0.p50, $0.p95) } ?? "–"]
            })
    }
}
