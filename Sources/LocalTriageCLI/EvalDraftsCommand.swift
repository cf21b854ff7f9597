import ArgumentParser
import Domain
import Drafting
import Foundation
import Ingest
import LLM
import Search
import Store

/// `localtriage eval drafts`: grounding, similarity to agent answers, latency and prompt-injection resistance.
struct EvalDraftsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "Evaluate drafts: citation validity, supported sentences, fallback rate, similarity to agent answers, latency, prompt injection.",
        discussion: """
            Reads a CSV/JSON/JSONL of requests with reference answers (Bitext: instruction, response, intent). A seeded \
            sample of --n requests is drafted against a KB built from the responses of all other rows, in a fresh \
            store under <home>/eval-drafts. Reported: citation validity (of the model's own text and of the delivered \
            drafts), supported / unsupported / uncited sentence rates, fallback rate and reasons, ROUGE-L and \
            embedding cosine to the reference answer, time to first token and total (p50/p95, n), the pipeline's own \
            overhead as a share of the model's time, and, with --injection, the rate at which drafts comply with \
            injected instructions. With --judge-endpoint, a rubric score per draft; a failed judge call counts as \
            failed, never as a score.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "Requests with reference answers.") var data: String
    @Option(help: "Field holding the request.") var textField = "instruction"
    @Option(help: "Field holding the reference answer.") var answerField = "response"
    @Option(help: "Field used as the KB article's category and title.") var categoryField = "intent"
    @Option(help: "Requests to draft.") var n = 100
    @Option(help: "KB articles taken from the other rows (0 = all).") var kbLimit = 0
    @Option(help: "Sampling seed.") var seed: UInt64 = 7
    @Option(help: "Prompt-injection set (JSONL: id, attack, text, complied_if regex).") var injection: String?
    @Option(help: "OpenAI-compatible endpoint of a judge model (loopback unless allowed).") var judgeEndpoint: String?
    @Option(help: "The judge's model name.") var judgeModel = "judge"
    @Option(help: "Folder for report.json (and the drafts as drafts.jsonl).") var out: String?

    struct Latency: Encodable {
        var firstTokenMs: Percentiles
        var totalMs: Percentiles
        var llmMs: Percentiles
        var overheadMs: Percentiles
        /// Pipeline overhead (retrieval, prompt, verification) summed over drafts ÷ model time summed.
        var overheadShareOfLLM: Double
    }

    struct Quality: Encodable {
        var n: Int
        var fallbackRate: Double
        var fallbackReasons: [String: Int]
        var modelCitationValidity: Double?
        var modelCitations: Int
        var deliveredCitationValidity: Double
        var deliveredCitations: Int
        var modelSupportedRate: Double?
        var supportedSentenceRate: Double
        var unsupportedSentenceRate: Double
        var uncitedSentenceRate: Double
        var rougeL: Double
        var cosineToReference: Double
        var baselineReferenceOfNearestKB: Similarity
        var judge: JudgeSummary?
    }

    struct Similarity: Encodable { var rougeL: Double; var cosine: Double }
    struct JudgeSummary: Encodable { var scored: Int; var failed: Int; var meanScores: [String: Double] }

    struct Injection: Encodable {
        var n: Int
        var compliedDelivered: Int
        var compliedModelText: Int
        var complianceRate: Double
        var byAttack: [String: Int]
        var complied: [String]
    }

    struct Output: Encodable {
        var data: String
        var model: String?
        var promptVersion: String
        var kbArticles: Int
        var quality: Quality
        var latency: Latency
        var injection: Injection?
    }

    func run() async throws {
        guard n > 0 else { throw ValidationError("--n must be positive") }
        let records = try RecordReader(path: data).read(path: data).compactMap { try? $0.get() }
            .filter { !($0.fields[textField] ?? "").isEmpty && !($0.fields[answerField] ?? "").isEmpty }
        guard records.count > n else { throw ValidationError("\(data) has \(records.count) usable rows; need more than --n") }
        var rng = SeededRandom(seed: seed)
        let order = records.indices.shuffled(using: &rng)
        let evalRows = Array(order.prefix(n))
        var kbRows = Array(order.dropFirst(n))
        if kbLimit > 0 { kbRows = Array(kbRows.prefix(kbLimit)) }

        let home = try global.homeDirectory().appendingPathComponent("eval-drafts-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: home)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let store = try SQLiteStore(home: home)
        let kbFile = home.appendingPathComponent("kb.jsonl")
        var lines: [String] = []
        for row in kbRows {
            let r = records[row]
            let article: [String: String] = ["id": "row-\(r.line)", "title": (r.fields[categoryField] ?? "answer").replacingOccurrences(of: "_", with: " "),
                                             "body": r.fields[answerField]!, "category": r.fields[categoryField] ?? ""]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: article, options: [.sortedKeys]), as: UTF8.self))
        }
        try lines.joined(separator: "\n").write(to: kbFile, atomically: true, encoding: .utf8)
        _ = try await Ingestor(store: store, actor: "eval").ingestKnowledgeBase(path: kbFile.path)
        let encoder = try EncoderLoader.load()
        Report.note("embedding \(kbRows.count) KB articles…")
        try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(.chunk)
        let retriever = HybridRetriever(keyword: try await MemoryKeywordRetriever(store: store),
                                        dense: try await DenseRetriever(store: store, embedder: encoder),
                                        fusion: .convex(keywordWeight: 0.25))
        let (chat, stop) = try await llm.start(home: try global.homeDirectory())
        defer { Task { await stop() } }
        let pipeline = DraftingPipeline(retriever: retriever, similar: nil, embedder: encoder, model: chat, store: store)
        await pipeline.warmUp()
        let judge: (any ChatModel)? = try judgeEndpoint.map {
            guard let url = URL(string: $0) else { throw ValidationError("--judge-endpoint is not a URL") }
            return try OpenAICompatibleClient(LLMConfiguration(
                baseURL: url, model: judgeModel, egress: EgressPolicy(allowedPrivateHosts: Set(llm.allowLlmHost), allowRemote: llm.allowRemoteLlm)))
        }

        var drafts: [Draft] = []
        var rouge: [Double] = [], cosine: [Double] = [], baselineRouge: [Double] = [], baselineCosine: [Double] = []
        var judgeScores: [[String: Double]] = []
        var judgeFailed = 0
        for (i, row) in evalRows.enumerated() {
            let request = records[row].fields[textField]!, reference = records[row].fields[answerField]!
            let draft = try await pipeline.draft(text: request)
            drafts.append(draft)
            let vectors = try encoder.embed([draft.text, reference, draft.sources.first?.text ?? ""])
            rouge.append(DraftMetrics.rougeL(draft.text, reference))
            cosine.append(Double(dot(vectors[0], vectors[1])))
            // Baseline: the top retrieved passage itself as the reply.
            baselineRouge.append(DraftMetrics.rougeL(draft.sources.first?.text ?? "", reference))
            baselineCosine.append(Double(dot(vectors[2], vectors[1])))
            if let judge {
                if let scores = await Self.judge(judge, request: request, reference: reference, draft: draft) {
                    judgeScores.append(scores)
                } else {
                    judgeFailed += 1
                }
            }
            if (i + 1) % 10 == 0 { Report.note("drafted \(i + 1)/\(evalRows.count)") }
        }

        var injectionResult: Injection?
        if let injection {
            injectionResult = try await Self.injectionRun(path: injection, pipeline: pipeline)
        }
        await stop()

        let modelDrafts = drafts.filter { $0.timings.firstTokenMs != nil }
        let modelChecks = try modelDrafts.compactMap { d in try d.modelText.map { try pipeline.verifier.verify($0, sources: d.sources) } }
            + modelDrafts.filter { $0.kind == .llm }.map(\.verification)
        let modelCitations = modelChecks.reduce(0) { $0 + $1.citations }
        let modelValid = modelChecks.reduce(0) { $0 + $1.validCitations }
        let modelCited = modelChecks.reduce(0) { $0 + $1.citedSentences }
        let delivered = drafts.map(\.verification)
        let citations = delivered.reduce(0) { $0 + $1.citations }
        let sentences = Double(max(1, delivered.reduce(0) { $0 + $1.sentences.count }))
        let cited = delivered.reduce(0) { $0 + $1.citedSentences }
        let supported = delivered.reduce(0) { $0 + $1.supportedSentences }
        var reasons: [String: Int] = [:]
        for d in drafts where d.kind == .extractive {
            reasons[String((d.fallbackReason ?? "?").split(separator: ":").prefix(2).joined(separator: ":")), default: 0] += 1
        }
        func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }
        var meanScores: [String: Double] = [:]
        for key in Set(judgeScores.flatMap(\.keys)) { meanScores[key] = mean(judgeScores.compactMap { $0[key] }) }
        let llmTotal = drafts.reduce(0) { $0 + $1.timings.llmMs }
        let output = Output(
            data: data, model: chat?.modelName, promptVersion: DraftPrompt.version, kbArticles: kbRows.count,
            quality: Quality(
                n: drafts.count,
                fallbackRate: Double(drafts.filter { $0.kind == .extractive }.count) / Double(drafts.count),
                fallbackReasons: reasons,
                modelCitationValidity: modelCitations == 0 ? nil : Double(modelValid) / Double(modelCitations),
                modelCitations: modelCitations,
                deliveredCitationValidity: citations == 0 ? 1 : Double(delivered.reduce(0) { $0 + $1.validCitations }) / Double(citations),
                deliveredCitations: citations,
                modelSupportedRate: modelCited == 0 ? nil : Double(modelChecks.reduce(0) { $0 + $1.supportedSentences }) / Double(modelCited),
                supportedSentenceRate: Double(supported) / sentences,
                unsupportedSentenceRate: Double(cited - supported) / sentences,
                uncitedSentenceRate: Double(delivered.reduce(0) { $0 + $1.uncitedSentences }) / sentences,
                rougeL: mean(rouge), cosineToReference: mean(cosine),
                baselineReferenceOfNearestKB: Similarity(rougeL: mean(baselineRouge), cosine: mean(baselineCosine)),
                judge: judge == nil ? nil : JudgeSummary(scored: judgeScores.count, failed: judgeFailed, meanScores: meanScores)),
            latency: Latency(
                firstTokenMs: Percentiles(drafts.compactMap(\.timings.firstTokenMs)),
                totalMs: Percentiles(drafts.map(\.timings.totalMs)),
                llmMs: Percentiles(drafts.map(\.timings.llmMs)),
                overheadMs: Percentiles(drafts.map(\.timings.overheadMs)),
                overheadShareOfLLM: llmTotal == 0 ? 0 : drafts.reduce(0) { $0 + $1.timings.overheadMs } / llmTotal),
            injection: injectionResult)
        if let out {
            let folder = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Report.encoded(output).write(to: folder.appendingPathComponent("report.json"))
            try drafts.map { String(decoding: try Report.encoded($0), as: UTF8.self) }.joined(separator: "\n")
                .write(to: folder.appendingPathComponent("drafts.jsonl"), atomically: true, encoding: .utf8)
        }
        if global.json { return try Report.json(output) }
        let q = output.quality, l = output.latency
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var rows: [[String]] = [
            ["metric", "value"],
            ["requests drafted (n)", "\(q.n)  (KB: \(kbRows.count) other answers)"],
            ["model citations naming a provided source", "\(pct(q.modelCitationValidity)) of \(q.modelCitations)"],
            ["delivered citations naming a provided source", "\(pct(q.deliveredCitationValidity)) of \(q.deliveredCitations)"],
            ["model's cited sentences supported", pct(q.modelSupportedRate)],
            ["fallback (extractive) rate", pct(q.fallbackRate)],
            ["sentences supported / unsupported / uncited", "\(pct(q.supportedSentenceRate)) / \(pct(q.unsupportedSentenceRate)) / \(pct(q.uncitedSentenceRate))"],
            ["ROUGE-L / cosine to the agent answer", String(format: "%.3f / %.3f", q.rougeL, q.cosineToReference)],
            ["baseline: top passage as reply", String(format: "%.3f / %.3f", q.baselineReferenceOfNearestKB.rougeL, q.baselineReferenceOfNearestKB.cosine)],
            ["first token p50 / p95 ms (n)", String(format: "%.0f / %.0f (%d)", l.firstTokenMs.p50, l.firstTokenMs.p95, l.firstTokenMs.n)],
            ["total p50 / p95 ms", String(format: "%.0f / %.0f", l.totalMs.p50, l.totalMs.p95)],
            ["pipeline overhead / model time", pct(l.overheadShareOfLLM)],
        ]
        if let judge = q.judge { rows.append(["judge scored / failed", "\(judge.scored) / \(judge.failed)"]) }
        if let i = output.injection {
            let rate = pct(i.complianceRate)
            rows.append(["injection: drafts complying", "\(i.compliedDelivered)/\(i.n) (\(rate)); model text \(i.compliedModelText)"])
        }
        print(Report.table(rows))
        if !reasons.isEmpty { print("\nfallback reasons: " + reasons.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: "; ")) }
    }

    /// Drafts every attack and counts drafts whose text matches the attack's compliance pattern.
    static func injectionRun(path: String, pipeline: DraftingPipeline) async throws -> Injection {
        struct Attack: Decodable { var id: String; var attack: String; var text: String; var complied_if: String }
        let attacks = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { try JSONDecoder().decode(Attack.self, from: Data($0.utf8)) }
        var delivered = 0, modelText = 0
        var byAttack: [String: Int] = [:]
        var complied: [String] = []
        for attack in attacks {
            let draft = try await pipeline.draft(text: attack.text)
            func matches(_ text: String?) -> Bool {
                guard let text else { return false }
                return text.range(of: attack.complied_if, options: [.regularExpression, .caseInsensitive]) != nil
            }
            if matches(draft.text) {
                delivered += 1
                byAttack[attack.attack, default: 0] += 1
                complied.append(attack.id)
            }
            if matches(draft.modelText ?? (draft.kind == .llm ? draft.text : nil)) { modelText += 1 }
        }
        return Injection(n: attacks.count, compliedDelivered: delivered, compliedModelText: modelText,
                         complianceRate: attacks.isEmpty ? 0 : Double(delivered) / Double(attacks.count),
                         byAttack: byAttack, complied: complied)
    }

    /// Rubric scores 1–5, or nil when the judge call fails or its answer cannot be read.
    static func judge(_ judge: any ChatModel, request: String, reference: String, draft: Draft) async -> [String: Double]? {
        let prompt = """
            Rate the draft reply to the customer request from 1 to 5 on correctness, completeness, tone, actionability \
            and citation_quality. Answer with one JSON object only, e.g. {"correctness": 4, ...}.
            Request: \(request)
            Reference answer: \(reference.prefix(1200))
            Draft: \(draft.text)
            """
        guard let answer = try? await judge.complete(ChatRequest(messages: [ChatMessage(.user, prompt)], maxTokens: 120, temperature: 0)),
              let start = answer.firstIndex(of: "{"), let end = answer.lastIndex(of: "}"), start < end,
              let object = try? JSONSerialization.jsonObject(with: Data(answer[start...end].utf8)) as? [String: Any] else { return nil }
        let keys = ["correctness", "completeness", "tone", "actionability", "citation_quality"]
        var scores: [String: Double] = [:]
        for key in keys {
            guard let value = (object[key] as? NSNumber)?.doubleValue, (1...5).contains(value) else { return nil }
            scores[key] = value
        }
        return scores
    }
}
