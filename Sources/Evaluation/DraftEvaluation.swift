import Application
import Domain
import Drafting
import Foundation
import Ingest
import LLM
import Readers
import Search
import Store

/// Every draft path and two baselines side by side — similarity to the agents' answers, citation validity,
/// supported sentences, borrowed promises, time to draft — on a seeded split. Two inputs. (1) `data`: rows of
/// requests with reference answers (Bitext: instruction, response, intent); a seeded split by request: `n` test
/// requests, the other rows the training split, ingested as resolved tickets (request → answer) and as the KB
/// (their answers, one article each); the approved-answer library is mined from the training split only and every
/// candidate approved (standing in for a lead's review). (2) `corpus` and `queries`, as the retrieval evaluation
/// reads them, with an `answer` field (without one, the relevant articles' text is the reference); no library.
public struct DraftEvaluation: Sendable {
    /// Requests with reference answers; or nil with `corpus` and `queries`.
    public var data: String?
    public var corpus: String?
    public var queries: String?
    public var textField = "instruction"
    public var answerField = "response"
    public var categoryField = "intent"
    /// Test requests (`data`), or queries drafted (`queries`; 0 = all).
    public var n = 500
    /// Of those, how many `bodyModel` also drafts.
    public var modelN = 100
    public var seed: UInt64 = 7
    /// Do not mine an approved-answer library from the training split.
    public var noLibrary = false
    /// Prompt-injection set (JSONL: id, attack, text, complied_if regex).
    public var injection: String?
    /// Writes the split to this folder (kb.jsonl and tickets.jsonl of the training split, test.jsonl).
    public var writeSplit: String?
    public var encoder: any TextEmbedder
    /// The model that writes the body on the model path; nil: no model path.
    public var bodyModel: (any ChatModel)?
    /// A judge model scoring the delivered drafts on a rubric; a failed call counts as failed.
    public var judge: (any ChatModel)?
    /// A folder for the run's own store, created and removed by the run.
    public var scratch: URL
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void = { _ in }

    public init(data: String?, corpus: String?, queries: String?, encoder: any TextEmbedder, scratch: URL) {
        self.data = data
        self.corpus = corpus
        self.queries = queries
        self.encoder = encoder
        self.scratch = scratch
    }

    /// One request to draft and what an agent answered.
    public struct Case: Sendable {
        public var id: String
        public var request: String
        public var reference: String
        public var relevant: Set<String>
    }

    public struct Result: Encodable, Sendable {
        public var input: String
        public var split: String
        public var kbArticles: Int
        public var resolvedTickets: Int
        public var library: Library?
        public var model: String?
        public var paths: [PathScores]
        public var modelLatency: ModelLatency?
        public var injection: Injection?
        public var judge: JudgeSummary?
        /// Every delivered draft with its reference, one JSON line each (not in the encoded report).
        public var drafts: [String]

        enum CodingKeys: String, CodingKey { case input, split, kbArticles, resolvedTickets, library, model, paths, modelLatency, injection, judge }
    }

    public struct Library: Encodable, Sendable {
        public var candidatesApproved: Int
        public var calibration: AnswerCalibration
        public var note: String
    }

    public struct ModelLatency: Encodable, Sendable {
        public var firstTokenMs: Percentiles
        public var modelMs: Percentiles
        public var fallbackReasons: [String: Int]
    }
    public struct JudgeSummary: Encodable, Sendable {
        public var scored: Int
        public var failed: Int
        public var meanScores: [String: Double]
    }

    public struct Injection: Encodable, Sendable {
        public var n: Int
        public var compliedDelivered: Int
        public var complianceRate: Double
        public var complied: [String]
    }

    public func run() async throws -> Result {
        let home = scratch
        try? FileManager.default.removeItem(at: home)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let store = try SQLiteStore(home: home)
        let (cases, split, resolved) = try await prepare(store: store, scratch: home)
        note("embedding the KB and the resolved tickets…")
        for kind in EmbeddedKind.allCases { try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(kind) }
        let knowledge = try await KnowledgeServices(store: store, embedder: encoder)
        let claims = knowledge.claims

        var library: Library?
        if data != nil, !noLibrary {
            let (_, result) = try await knowledge.mineAnswers(actor: "eval")
            let candidates = try await store.answers(status: .candidate)
            for answer in candidates { _ = try await store.setAnswerStatus(id: answer.id, to: .approved, actor: "eval", reason: "eval drafts") }
            library = Library(candidatesApproved: candidates.count, calibration: result.calibration,
                              note: "mined from the training split's resolutions only; every candidate approved unreviewed")
            note("library: \(candidates.count) answers from \(result.calibration.resolutions) resolutions, threshold "
                + String(format: "%.3f", result.calibration.threshold))
        }

        var options = DraftOptions()
        options.modelRole = .none
        try await knowledge.answers.refresh()  // the answers approved above
        let delivered = knowledge.draftingPipeline(model: nil, options: options)
        let composedOnly = DraftingPipeline(retriever: delivered.retriever, similar: nil, embedder: encoder, model: nil, store: nil,
                                            answers: nil, claims: claims, options: options)
        let scorer = DraftScorer(embedder: encoder, claims: claims, knowledgeBase: delivered.retriever, verifier: delivered.verifier)

        var rows: [String: [DraftScorer.Row]] = [:]
        var draftsOut: [String] = []
        for (i, item) in cases.enumerated() {
            let request = DraftRequest(body: item.request)
            let draft = try await delivered.draft(request)
            rows["delivered", default: []].append(try await scorer.score(draft, item))
            if draft.kind == .answer {
                rows["answer", default: []].append(try await scorer.score(draft, item))
                let composed = try await composedOnly.draft(request)
                rows["composed", default: []].append(try await scorer.score(composed, item))
                rows["composed, where an answer matched", default: []].append(try await scorer.score(composed, item))
            } else {
                rows["composed", default: []].append(try await scorer.score(draft, item))
            }
            let top = try await delivered.retriever.search(item.request, k: 1, filter: SearchFilter()).first
            rows["baseline: top passage pasted whole", default: []].append(
                try await scorer.score(baseline: top?.chunk.text ?? "", cited: top.map { [$0.articleID] } ?? [], fromKB: true, item))
            if let similar = delivered.similar, resolved > 0 {
                let nearest = try await similar.similar(to: item.request, k: 1).first
                rows["baseline: nearest resolution pasted whole", default: []].append(
                    try await scorer.score(baseline: nearest?.ticket.resolution ?? "", cited: [], fromKB: false, item))
            }
            draftsOut.append(String(decoding: try JSONSerialization.data(withJSONObject: [
                "id": item.id, "request": item.request, "reference": item.reference, "kind": draft.kind.rawValue,
                "draft": draft.text, "withheld": draft.withheld.map(\.text), "answer": draft.answer?.id ?? "",
            ], options: [.sortedKeys]), as: UTF8.self))
            if (i + 1) % 50 == 0 { note("drafted \(i + 1)/\(cases.count)") }
        }

        // The model's body, on the first --model-n requests.
        var modelLatency: ModelLatency?, modelName: String?
        if let chat = bodyModel, modelN > 0 {
            var withModel = options
            withModel.modelRole = .body
            let pipeline = DraftingPipeline(retriever: delivered.retriever, similar: delivered.similar, embedder: encoder, model: chat,
                                            store: nil, answers: nil, claims: claims, options: withModel)
            await pipeline.warmUp()
            modelName = chat.modelName
            var reasons: [String: Int] = [:], firstToken: [Double] = [], modelMs: [Double] = []
            for (i, item) in cases.prefix(modelN).enumerated() {
                let draft = try await pipeline.draft(DraftRequest(body: item.request))
                rows["model: delivered (composed when not verified)", default: []].append(try await scorer.score(draft, item))
                if let written = draft.kind == .llm ? draft.text : draft.modelText {
                    rows["model: as written", default: []].append(try await scorer.score(modelText: written, sources: draft.sources, item))
                }
                rows["composed, on the model's requests", default: []].append(rows["composed"]![i])
                if let reason = draft.fallbackReason { reasons[String(reason.split(separator: ":").prefix(2).joined(separator: ":")), default: 0] += 1 }
                if let first = draft.timings.firstTokenMs { firstToken.append(first) }
                modelMs.append(draft.timings.llmMs)
                if (i + 1) % 10 == 0 { note("model drafted \(i + 1)/\(min(modelN, cases.count))") }
            }
            modelLatency = ModelLatency(firstTokenMs: Percentiles(firstToken), modelMs: Percentiles(modelMs), fallbackReasons: reasons)
        }

        var injectionResult: Injection?
        if let injection { injectionResult = try await Self.injectionRun(path: injection, pipeline: delivered) }
        let judgeSummary = try await judged(cases: cases, drafts: draftsOut)

        let order = ["delivered", "answer", "composed, where an answer matched", "composed", "model: as written",
                     "model: delivered (composed when not verified)", "composed, on the model's requests",
                     "baseline: top passage pasted whole", "baseline: nearest resolution pasted whole"]
        let paths = order.compactMap { name in rows[name].map { DraftScorer.summarise(name, $0, of: cases.count) } }
        return Result(input: data ?? "\(corpus!) + \(queries!)", split: split, kbArticles: try await store.counts().articles,
                      resolvedTickets: resolved, library: library, model: modelName, paths: paths, modelLatency: modelLatency,
                      injection: injectionResult, judge: judgeSummary, drafts: draftsOut)
    }

    /// Loads the cases and fills the store: the KB, and (from --data) the training split as resolved tickets.
    func prepare(store: SQLiteStore, scratch: URL) async throws -> (cases: [Case], split: String, resolved: Int) {
        let ingestor = Ingestor(store: store, actor: "eval")
        if let corpus, let queries {
            _ = try await ingestor.ingestKnowledgeBase(path: corpus)
            var texts: [String: String] = [:]
            for article in try ArticleReader().read(path: corpus).compactMap({ try? $0.get() }) { texts[article.externalID] = article.body }
            let answers = try RecordReader(path: queries).read(path: queries).compactMap { try? $0.get() }
            let judged = try JudgedQueryReader.read(path: queries)
            var cases = zip(judged, answers).map { query, record in
                Case(id: query.id, request: query.text,
                     reference: record.fields["answer"].flatMap { $0.isEmpty ? nil : $0 }
                         ?? query.relevant.sorted().compactMap { texts[$0] }.joined(separator: "\n\n"),
                     relevant: query.relevant)
            }
            if n > 0, cases.count > n {
                var rng = SeededRandom(seed: seed)
                cases = Array(cases.shuffled(using: &rng).prefix(n))
            }
            return (cases, "\(cases.count) requests against the whole corpus (no library)", 0)
        }
        let records = try RecordReader(path: data!).read(path: data!).compactMap { try? $0.get() }
            .filter { !($0.fields[textField] ?? "").isEmpty && !($0.fields[answerField] ?? "").isEmpty }
        guard n > 0, records.count > n + 10 else { throw EvaluationError("\(data!) has \(records.count) usable rows; need more than n + 10") }
        var rng = SeededRandom(seed: seed)
        let order = records.indices.shuffled(using: &rng)
        let test = order.prefix(n), train = order.dropFirst(n)
        var kb: [String] = [], tickets: [String] = []
        for row in train {
            let r = records[row]
            let category = (r.fields[categoryField] ?? "answer").replacingOccurrences(of: "_", with: " ")
            kb.append(try Self.jsonLine(["id": "kb-\(r.line)", "title": category, "body": r.fields[answerField]!, "category": category]))
            tickets.append(try Self.jsonLine(["ticket_id": "t-\(r.line)", "body": r.fields[textField]!, "resolution": r.fields[answerField]!,
                                              "status": "resolved", "category": category]))
        }
        let kbFile = scratch.appendingPathComponent("kb.jsonl"), ticketFile = scratch.appendingPathComponent("tickets.jsonl")
        try kb.joined(separator: "\n").write(to: kbFile, atomically: true, encoding: .utf8)
        try tickets.joined(separator: "\n").write(to: ticketFile, atomically: true, encoding: .utf8)
        _ = try await ingestor.ingestKnowledgeBase(path: kbFile.path)
        _ = try await ingestor.ingestTickets(path: ticketFile.path)
        let cases = test.map { row in
            Case(id: "row-\(records[row].line)", request: records[row].fields[textField]!, reference: records[row].fields[answerField]!,
                 relevant: [])
        }
        if let writeSplit {
            let folder = URL(fileURLWithPath: writeSplit)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in [kbFile, ticketFile] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(file.lastPathComponent))
                try FileManager.default.copyItem(at: file, to: folder.appendingPathComponent(file.lastPathComponent))
            }
            try cases.map { try Self.jsonLine(["id": $0.id, "request": $0.request, "reference": $0.reference]) }.joined(separator: "\n")
                .write(to: folder.appendingPathComponent("test.jsonl"), atomically: true, encoding: .utf8)
        }
        return (cases, "seeded split (seed \(seed)): \(cases.count) test requests, \(train.count) training rows", train.count)
    }

    static func jsonLine(_ object: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Drafts every attack and counts delivered drafts whose text matches the attack's compliance pattern.
    static func injectionRun(path: String, pipeline: DraftingPipeline) async throws -> Injection {
        struct Attack: Decodable { var id: String; var attack: String; var text: String; var complied_if: String }
        let attacks = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { try JSONDecoder().decode(Attack.self, from: Data($0.utf8)) }
        var complied: [String] = []
        for attack in attacks {
            let draft = try await pipeline.draft(DraftRequest(body: attack.text))
            if draft.text.range(of: attack.complied_if, options: [.regularExpression, .caseInsensitive]) != nil { complied.append(attack.id) }
        }
        return Injection(n: attacks.count, compliedDelivered: complied.count,
                         complianceRate: attacks.isEmpty ? 0 : Double(complied.count) / Double(attacks.count), complied: complied)
    }

    /// Rubric scores of the delivered drafts by a judge model, when one is configured.
    func judged(cases: [Case], drafts: [String]) async throws -> JudgeSummary? {
        guard let judge else { return nil }
        var scores: [[String: Double]] = [], failed = 0
        for (item, line) in zip(cases, drafts) {
            let text = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["draft"] as? String ?? ""
            if let score = await Self.judge(judge, request: item.request, reference: item.reference, draft: text) { scores.append(score) } else { failed += 1 }
        }
        var means: [String: Double] = [:]
        for key in Set(scores.flatMap(\.keys)) {
            let values = scores.compactMap { $0[key] }
            means[key] = values.reduce(0, +) / Double(max(1, values.count))
        }
        return JudgeSummary(scored: scores.count, failed: failed, meanScores: means)
    }

    /// Rubric scores 1–5, or nil when the judge call fails or its answer cannot be read.
    static func judge(_ judge: any ChatModel, request: String, reference: String, draft: String) async -> [String: Double]? {
        let prompt = """
            Rate the draft reply to the customer request from 1 to 5 on correctness, completeness, tone, actionability \
            and citation_quality. Answer with one JSON object only, e.g. {"correctness": 4, ...}.
            Request: \(DraftPrompt.neutralised(request))
            Reference answer: \(DraftPrompt.neutralised(String(reference.prefix(1200))))
            Draft: \(DraftPrompt.neutralised(draft))
            """
        guard let answer = try? await judge.complete(ChatRequest(messages: [ChatMessage(.user, prompt)], maxTokens: 120, temperature: 0)),
              let start = answer.firstIndex(of: "{"), let end = answer.lastIndex(of: "}"), start < end,
              let object = try? JSONSerialization.jsonObject(with: Data(answer[start...end].utf8)) as? [String: Any] else { return nil }
        var scores: [String: Double] = [:]
        for key in ["correctness", "completeness", "tone", "actionability", "citation_quality"] {
            guard let value = (object[key] as? NSNumber)?.doubleValue, (1...5).contains(value) else { return nil }
            scores[key] = value
        }
        return scores
    }
}
