import Domain
import Foundation
import LLM
import Search
import Store

/// Options of the draft pipeline.
public struct DraftOptions: Sendable {
    /// What the model writes, when one is configured.
    public enum ModelRole: String, Codable, Sendable {
        /// Nothing: drafts come from the approved answers and the knowledge base alone.
        case none
        /// The body, from the same sources, verified like every draft; the composed draft when it fails.
        case body
    }

    /// KB chunks retrieved for a composed draft (and given to the model).
    public var kbSources = 3
    /// Similar resolved tickets given to the model as sources (their resolutions); never composed from.
    public var ticketSources = 1
    /// Characters of each source shown to the model (bounds the prompt, and so the time to first token).
    public var sourceCharacters = 360
    public var maxTokens = 160
    public var temperature = 0.2
    /// Constrain `[n]` to the provided sources with a grammar (llama.cpp servers).
    public var constrainCitations = true
    public var modelRole = ModelRole.body

    public init() {}
}

/// A ticket to draft for: its text and what fills an answer's placeholders.
public struct DraftRequest: Sendable {
    public var subject: String?
    public var body: String
    public var language: String
    public var customer: String?
    public var ticketExternalID: String?
    /// The embedding of `text`, when the caller has it (a stored ticket's from ingest).
    public var vector: [Float]?

    public init(subject: String? = nil, body: String, language: String = "en", customer: String? = nil,
                ticketExternalID: String? = nil, vector: [Float]? = nil) {
        self.subject = subject
        self.body = body
        self.language = language
        self.customer = customer
        self.ticketExternalID = ticketExternalID
        self.vector = vector
    }

    public init(_ ticket: Ticket, vector: [Float]? = nil) {
        self.init(subject: ticket.subject, body: ticket.body, language: ticket.language ?? "en", customer: ticket.customer,
                  ticketExternalID: ticket.externalID, vector: vector)
    }

    /// Subject and body, as routing and search read a ticket.
    public var text: String {
        guard let subject, !subject.isEmpty else { return body }
        return subject + "\n\n" + body
    }
}

/// Where a draft in progress stands, for a client waiting on it (nothing of the text is shown before it is
/// verified).
public enum DraftProgress: Sendable, Equatable {
    case matchingAnswers
    case retrieving
    case composing
    /// The model is writing: pieces of text received so far.
    case modelWriting(pieces: Int)
    case verifying
}

/// What drafting reads and writes: search, the approved answers, and the drafts it records.
public typealias DraftingStore = SearchStore & AnswerStore & DraftStore

/// Drafts a reply, answer first: an approved answer of the library when the ticket matches one above the
/// calibrated threshold (placeholders filled from the ticket); otherwise a reply composed from the knowledge-base
/// passage that answers it; with a model asked to write the body, the model's reply when it verifies, else the
/// composed one. Every draft's citations are checked against the cited text, and a sentence that reports an
/// action or makes a commitment no knowledge-base passage backs is withheld. Every draft is stored; none is sent.
public struct DraftingPipeline: Sendable {
    public let retriever: any Retriever
    public let similar: SimilarTickets?
    public let embedder: any TextEmbedder
    public let model: (any ChatModel)?
    public let store: (any DraftStore)?
    public let answers: AnswerLibrary?
    public var options: DraftOptions
    public var verifier: CitationVerifier
    public var composer: AnswerComposer

    public init(retriever: any Retriever, similar: SimilarTickets?, embedder: any TextEmbedder, model: (any ChatModel)?,
                store: (any DraftStore)?, answers: AnswerLibrary? = nil, claims: ClaimDetector?,
                options: DraftOptions = DraftOptions()) {
        self.retriever = retriever
        self.similar = similar
        self.embedder = embedder
        self.model = model
        self.store = store
        self.answers = answers
        self.options = options
        // Composing, verifying and the claims check embed the same sentences: one cache for the three.
        let sentences = CachingEmbedder(embedder)
        self.verifier = CitationVerifier(embedder: sentences,
                                         claims: claims.map { ClaimDetector(classifier: $0.classifier, embedder: sentences, threshold: $0.threshold) })
        self.composer = AnswerComposer(embedder: sentences)
    }

    /// Drafts a reply to the request; `onProgress` hears where it stands.
    public func draft(_ request: DraftRequest, onProgress: @Sendable (DraftProgress) -> Void = { _ in }) async throws -> Draft {
        let clock = ContinuousClock()
        let started = clock.now
        var timings = Draft.Timings()

        // 1. An approved answer, without waiting for retrieval or the model.
        var mark = clock.now
        if let answers, answers.approvedAnswers > 0 {
            onProgress(.matchingAnswers)
            var vector = request.vector
            if vector == nil { vector = try await embedder.embedOffPool([request.text])[0] }
            let match = answers.match(vector!)
            timings.matchMs = (clock.now - mark).milliseconds
            if let match {
                onProgress(.verifying)
                return try await answerDraft(match, request: request, timings: timings, started: started)
            }
        }

        // 2. Composed from the knowledge base.
        mark = clock.now
        onProgress(.retrieving)
        let sources = try await retrieve(request.text, excluding: request.ticketExternalID)
        timings.retrievalMs = (clock.now - mark).milliseconds
        mark = clock.now
        onProgress(.composing)
        let articles = sources.filter { $0.kind == .article }
        let opening = OpeningLine.make(subject: request.subject, body: request.body, language: request.language)
        let composed = try await offPool { [composer] in
            try composer.compose(ticket: request.text, opening: opening, sources: articles)
        }.map { CustomerSpecifics.retargeted($0, ticketText: request.text) } ?? Self.noAnswer
        timings.composeMs = (clock.now - mark).milliseconds

        // 3. The model's body, when asked and it verifies.
        var modelText: String?, fallbackReason: String?, modelVerification: Verification?
        if let model, options.modelRole == .body {
            (modelText, fallbackReason, modelVerification) = await modelDraft(model, request: request, sources: sources,
                                                                              timings: &timings, onProgress: onProgress)
        }
        mark = clock.now
        onProgress(.verifying)
        let kind: Draft.Kind
        var text: String, verification: Verification, withheld: [Draft.Withheld] = []
        if let modelVerification, let modelText {
            (kind, text, verification) = (.llm, modelText, modelVerification)
        } else {
            kind = .composed
            (text, verification, withheld) = try await deliverable(composed, sources: sources)
        }
        timings.verificationMs += (clock.now - mark).milliseconds
        timings.totalMs = (clock.now - started).milliseconds
        let draft = Draft(id: UUID().uuidString.lowercased(), ticketExternalID: request.ticketExternalID, kind: kind, text: text,
                          sources: sources, verification: verification, withheld: withheld,
                          model: options.modelRole == .body ? model?.modelName : nil,
                          promptVersion: DraftPrompt.version, fallbackReason: kind == .llm ? nil : fallbackReason,
                          modelText: kind == .llm ? nil : modelText, timings: timings, createdAt: Date())
        try await save(draft)
        return draft
    }

    /// The reply when the knowledge base has nothing usable: an honest holding line for the agent to complete.
    static let noAnswer = "Thank you for your message. A colleague will look into this and reply to you."

    /// An approved answer as the draft: placeholders filled from the ticket, each sentence cited to the answer; a
    /// claim in it stays only when a knowledge-base passage backs it, which is then cited too.
    func answerDraft(_ match: AnswerLibrary.Match, request: DraftRequest, timings: Draft.Timings, started: ContinuousClock.Instant) async throws -> Draft {
        var timings = timings
        let mark = ContinuousClock.now
        let filled = CustomerSpecifics.fill(match.answer.body, ticketText: request.text, customerName: request.customer)
        var sources = [DraftSource(number: 1, kind: .answer, reference: match.answer.id, title: match.answer.title, text: filled.text)]
        var lines: [String] = []
        var withheld: [Draft.Withheld] = []
        // Line by line, so lists keep their lines; every sentence is checked for claims in one batch.
        let lineSentences = filled.text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            (line: String(line), sentences: CitedSentence.splitSentences(String(line)).map { $0.trimmingCharacters(in: .whitespaces) })
        }
        let sentences = lineSentences.flatMap(\.sentences)
        let claims = try await offPool { [verifier] in try verifier.claims?.claims(sentences) ?? [] }
        var sentenceIndex = 0
        for (line, pieces) in lineSentences {
            var kept: [String] = []
            for sentence in pieces {
                defer { sentenceIndex += 1 }
                guard sentenceIndex < claims.count, let claim = claims[sentenceIndex] else {
                    kept.append(CitedSentence.citing(sentence, 1))
                    continue
                }
                if let policy = try await backingPassage(for: sentence, claim: claim) {
                    var source = policy
                    source.number = sources.count + 1
                    sources.append(source)
                    kept.append(CitedSentence.citing(sentence, 1).replacingOccurrences(of: " [1]", with: " [1, \(source.number)]"))
                } else {
                    withheld.append(Draft.Withheld(text: sentence, claim: claim, reason: Self.reason(claim)))
                }
            }
            if pieces.isEmpty { kept = [line] }
            if !kept.isEmpty { lines.append(kept.joined(separator: " ")) }
        }
        // The customer's problem in their words first, unless the answer opens that way itself.
        if !OpeningLine.opensItself(lines.joined(separator: "\n")) { lines = [OpeningLine.make(subject: request.subject, body: request.body, language: request.language), ""] + lines }
        // The whole draft checked once more: a claim the sentence-by-sentence pass did not see is withheld too.
        let (text, verification, missed) = try await deliverable(lines.joined(separator: "\n"), sources: sources)
        withheld += missed
        timings.verificationMs = (ContinuousClock.now - mark).milliseconds
        timings.totalMs = (ContinuousClock.now - started).milliseconds
        let draft = Draft(
            id: UUID().uuidString.lowercased(), ticketExternalID: request.ticketExternalID, kind: .answer, text: text,
            sources: sources, verification: verification,
            answer: Draft.AnswerUse(id: match.answer.id, title: match.answer.title, score: match.score, threshold: match.threshold,
                                    filled: filled.filled, unfilled: filled.unfilled),
            withheld: withheld, model: nil, promptVersion: DraftPrompt.version, fallbackReason: nil, modelText: nil,
            timings: timings, createdAt: Date())
        try await save(draft)
        return draft
    }

    /// The knowledge-base passage that backs a claim, if any (of the top three chunks for it).
    func backingPassage(for sentence: String, claim: Claim) async throws -> DraftSource? {
        for hit in try await retriever.search(sentence, k: 3, filter: SearchFilter()) {
            let source = DraftSource(number: 0, kind: .article, reference: "\(hit.articleID)#\(hit.chunkID)", title: hit.articleTitle,
                                     text: hit.chunk.text)
            if try await offPool({ [verifier] in try verifier.backs(claim, sentence: sentence, article: source.text) }) { return source }
        }
        return nil
    }

    /// The composed text with its unbacked claims withheld, verified.
    func deliverable(_ text: String, sources: [DraftSource]) async throws -> (String, Verification, [Draft.Withheld]) {
        var verification = try await verify(text, sources)
        let unbacked = verification.sentences.filter { $0.backed == false }
        guard !unbacked.isEmpty else { return (text, verification, []) }
        let withheld = unbacked.map { Draft.Withheld(text: $0.text, claim: $0.claim!, reason: Self.reason($0.claim!)) }
        let kept = Self.removing(unbacked.map(\.text), from: text)
        verification = try await verify(kept, sources)
        return (kept, verification, withheld)
    }

    /// Verification embeds sentences: off the concurrency pool.
    func verify(_ text: String, _ sources: [DraftSource]) async throws -> Verification {
        try await offPool { [verifier] in try verifier.verify(text, sources: sources) }
    }

    /// `text` without the lines' sentences listed (matched without their citations).
    static func removing(_ sentences: [String], from text: String) -> String {
        let drop = Set(sentences)
        return text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
            let pieces = CitedSentence.splitSentences(String(line))
            guard !pieces.isEmpty else { return String(line) }
            let kept = pieces.filter { piece in
                !CitedSentence.parse(piece).contains { drop.contains($0.text) }
            }.map { $0.trimmingCharacters(in: .whitespaces) }
            return kept.isEmpty ? nil : kept.joined(separator: " ")
        }.joined(separator: "\n")
    }

    static func reason(_ claim: Claim) -> String {
        claim.kind == .report ? "reports an action no one has taken for this customer"
            : "promises what no knowledge-base passage backs"
    }

    /// Asks the model for the body; its text and verification when grounded, else why not.
    func modelDraft(_ model: any ChatModel, request: DraftRequest, sources: [DraftSource], timings: inout Draft.Timings,
                    onProgress: @Sendable (DraftProgress) -> Void) async -> (String?, String?, Verification?) {
        var mark = ContinuousClock.now
        let shown = sources.map { var s = $0; s.text = Self.clip(s.text, to: options.sourceCharacters); return s }
        let chat = ChatRequest(
            messages: DraftPrompt.messages(ticket: request.text, language: request.language, sources: shown),
            maxTokens: options.maxTokens, temperature: options.temperature,
            stop: ["\n", "<end_of_turn>", "<start_of_turn>", DraftPrompt.close],
            seed: 7, grammar: options.constrainCitations ? DraftPrompt.citationGrammar(sourceCount: sources.count) : nil)
        timings.promptMs = (ContinuousClock.now - mark).milliseconds
        mark = ContinuousClock.now
        var collected = "", pieces = 0
        do {
            for try await piece in model.stream(chat) {
                if timings.firstTokenMs == nil { timings.firstTokenMs = (ContinuousClock.now - mark).milliseconds }
                collected += piece
                pieces += 1
                onProgress(.modelWriting(pieces: pieces))
            }
        } catch let error as LLMError {
            timings.llmMs = (ContinuousClock.now - mark).milliseconds
            return (nil, error.description, nil)
        } catch {
            timings.llmMs = (ContinuousClock.now - mark).milliseconds
            return (nil, "model failed: \(error)", nil)
        }
        timings.llmMs = (ContinuousClock.now - mark).milliseconds
        let text = CitedSentence.droppingUnfinishedTail(collected)
        if DraftPrompt.leaksInstructions(text) { return (text, "not grounded: the model repeated its instructions", nil) }
        mark = ContinuousClock.now
        defer { timings.verificationMs += (ContinuousClock.now - mark).milliseconds }
        guard let checked = try? await verify(text, sources) else { return (text, "verification failed", nil) }
        return checked.isGrounded ? (text, nil, checked) : (text, Self.reason(checked), nil)
    }

    /// Sends the fixed part of the prompt once so a llama.cpp server caches it (later drafts then only process
    /// their sources and ticket before the first token).
    public func warmUp() async {
        guard let model, options.modelRole == .body else { return }
        let request = ChatRequest(messages: DraftPrompt.messages(ticket: "Hello", language: "en", sources: []), maxTokens: 1)
        _ = try? await model.complete(request)
    }

    /// Numbered sources: the best KB chunks (hybrid), then, for the model, similar resolved tickets' resolutions.
    func retrieve(_ text: String, excluding ticketID: String?) async throws -> [DraftSource] {
        var sources: [DraftSource] = []
        for hit in try await retriever.search(text, k: options.kbSources, filter: SearchFilter()) {
            sources.append(DraftSource(number: sources.count + 1, kind: .article, reference: "\(hit.articleID)#\(hit.chunkID)",
                                       title: hit.articleTitle, text: hit.chunk.text))
        }
        if let similar, model != nil, options.modelRole == .body, options.ticketSources > 0 {
            let hits = try await similar.similar(to: text, k: options.ticketSources + 1)
            for hit in hits where hit.ticket.externalID != ticketID && sources.count < options.kbSources + options.ticketSources {
                guard let resolution = hit.ticket.resolution, !resolution.isEmpty else { continue }
                sources.append(DraftSource(number: sources.count + 1, kind: .ticket, reference: hit.ticket.externalID,
                                           title: "Resolved ticket: \(hit.ticket.subject ?? hit.ticket.externalID)",
                                           text: resolution))
            }
        }
        return sources
    }

    /// Cuts a passage to `limit` characters, at a sentence end when possible.
    public static func clip(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        let head = String(text.prefix(limit))
        if let end = head.lastIndex(where: { ".!?".contains($0) }), head.distance(from: head.startIndex, to: end) > limit / 2 {
            return String(head[...end])
        }
        return head + "…"
    }

    static func reason(_ v: Verification) -> String {
        if v.citedSentences == 0 { return "not grounded: no sentence cites a source" }
        if v.validCitations < v.citations { return "not grounded: \(v.citations - v.validCitations) citation(s) name no source" }
        if let claim = v.unbackedClaims.first { return "not grounded: claims what no knowledge-base passage backs (\(claim.prefix(80)))" }
        if !v.unknownLinks.isEmpty { return "not grounded: links not in the sources (\(v.unknownLinks.joined(separator: ", ")))" }
        return "not grounded: \(v.unsupportedSentences) of \(v.citedSentences) cited sentences unsupported"
    }

    func save(_ draft: Draft) async throws {
        guard let store else { return }
        try await store.saveDraft(StoredDraft(
            id: draft.id, ticketExternalID: draft.ticketExternalID, kind: draft.kind.rawValue, answerID: draft.answer?.id,
            model: draft.model, promptVersion: draft.promptVersion, text: draft.text, grounded: draft.verification.isGrounded,
            fallbackReason: draft.fallbackReason,
            details: String(decoding: try Self.detailsEncoder.encode(draft), as: UTF8.self), createdAt: draft.createdAt))
    }

    static var detailsEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension DraftingPipeline {
    /// The pipeline over a store: its knowledge base's hybrid retriever, similar resolved tickets, the approved
    /// answers and the claim detector. A long-running process passes the live indexes it already follows.
    public static func build(store: any DraftingStore, embedder: any TextEmbedder, model: (any ChatModel)?,
                             options: DraftOptions = DraftOptions(), knowledgeBase: LiveKnowledgeBase? = nil,
                             similar: SimilarTickets? = nil, answers: AnswerLibrary? = nil) async throws -> DraftingPipeline {
        var knowledgeBase = knowledgeBase, similar = similar, answers = answers
        if knowledgeBase == nil { knowledgeBase = try await LiveKnowledgeBase(store: store, embedder: embedder) }
        if similar == nil { similar = try await SimilarTickets(store: store, embedder: embedder) }
        if answers == nil { answers = try await AnswerLibrary(store: store, model: embedder.identity.key) }
        let claims = try await offPool { try ClaimDetector.shared(embedder: embedder) }
        return DraftingPipeline(retriever: knowledgeBase!.retrievers["hybrid"]!, similar: similar, embedder: embedder, model: model,
                                store: store, answers: answers, claims: claims, options: options)
    }
}
