import Domain
import Foundation
import LLM
import Search
import Store

/// Options of the draft pipeline.
public struct DraftOptions: Sendable {
    /// KB chunks given to the model as sources.
    public var kbSources = 3
    /// Similar resolved tickets given as sources (their resolutions).
    public var ticketSources = 1
    /// Characters of each source shown to the model (bounds the prompt, and so the time to first token).
    public var sourceCharacters = 360
    public var maxTokens = 160
    public var temperature = 0.2
    /// Constrain `[n]` to the provided sources with a grammar (llama.cpp servers).
    public var constrainCitations = true

    public init() {}
}

/// Retrieve → prompt → stream the model → verify every citation → fall back to an extractive draft when the
/// model is unavailable, times out or is not grounded → store the draft.
public struct DraftingPipeline: Sendable {
    public let retriever: any Retriever
    public let similar: SimilarTickets?
    public let embedder: any TextEmbedder
    public let model: (any ChatModel)?
    public let store: (any TriageStore)?
    public var options: DraftOptions
    public var verifier: CitationVerifier

    public init(retriever: any Retriever, similar: SimilarTickets?, embedder: any TextEmbedder, model: (any ChatModel)?,
                store: (any TriageStore)?, options: DraftOptions = DraftOptions()) {
        self.retriever = retriever
        self.similar = similar
        self.embedder = embedder
        self.model = model
        self.store = store
        self.options = options
        self.verifier = CitationVerifier(embedder: embedder)
    }

    /// Drafts a reply to `text`; `onText` receives the model's text as it streams.
    public func draft(text: String, language: String = "en", ticketExternalID: String? = nil,
                      onText: @Sendable (String) -> Void = { _ in }) async throws -> Draft {
        let clock = ContinuousClock()
        let started = clock.now
        var timings = Draft.Timings()

        var mark = clock.now
        let sources = try await retrieve(text, excluding: ticketExternalID)
        timings.retrievalMs = (clock.now - mark).milliseconds

        var modelText: String?
        var fallbackReason: String?
        var verification: Verification?
        if let model {
            mark = clock.now
            let request = ChatRequest(
                messages: DraftPrompt.messages(ticket: text, language: language, sources: sources),
                maxTokens: options.maxTokens, temperature: options.temperature,
                stop: ["\n", "<end_of_turn>", "<start_of_turn>", DraftPrompt.close],
                seed: 7, grammar: options.constrainCitations ? DraftPrompt.citationGrammar(sourceCount: sources.count) : nil)
            timings.promptMs = (clock.now - mark).milliseconds
            mark = clock.now
            do {
                var collected = ""
                for try await piece in model.stream(request) {
                    if timings.firstTokenMs == nil { timings.firstTokenMs = (clock.now - mark).milliseconds }
                    collected += piece
                    onText(piece)
                }
                modelText = CitedSentence.droppingUnfinishedTail(collected)
            } catch let error as LLMError {
                fallbackReason = error.description
            }
            timings.llmMs = (clock.now - mark).milliseconds
            if let modelText, DraftPrompt.leaksInstructions(modelText) {
                fallbackReason = "not grounded: the model repeated its instructions"
            } else if let modelText {
                mark = clock.now
                let checked = try verifier.verify(modelText, sources: sources)
                timings.verificationMs = (clock.now - mark).milliseconds
                if checked.isGrounded {
                    verification = checked
                } else {
                    fallbackReason = Self.reason(checked)
                }
            }
        } else {
            fallbackReason = "no model configured"
        }

        var kind = Draft.Kind.llm
        var reply = modelText ?? ""
        if verification == nil {
            mark = clock.now
            kind = .extractive
            reply = try ExtractiveDrafter(embedder: embedder).draft(ticket: text, sources: sources)
            verification = try verifier.verify(reply, sources: sources)
            timings.fallbackMs = (clock.now - mark).milliseconds
        }
        timings.totalMs = (clock.now - started).milliseconds
        let draft = Draft(id: UUID().uuidString.lowercased(), ticketExternalID: ticketExternalID, kind: kind, text: reply,
                          sources: sources, verification: verification!, model: model?.modelName,
                          promptVersion: DraftPrompt.version, fallbackReason: kind == .extractive ? fallbackReason : nil,
                          modelText: kind == .extractive ? modelText : nil, timings: timings, createdAt: Date())
        if let store { try await store.saveDraft(try Self.stored(draft)) }
        return draft
    }

    /// Sends the fixed part of the prompt once so a llama.cpp server caches it (later drafts then only process
    /// their sources and ticket before the first token).
    public func warmUp() async {
        guard let model else { return }
        let request = ChatRequest(messages: DraftPrompt.messages(ticket: "Hello", language: "en", sources: []), maxTokens: 1)
        _ = try? await model.complete(request)
    }

    /// Numbered sources: the best KB chunks (hybrid), then similar resolved tickets' resolutions.
    func retrieve(_ text: String, excluding ticketID: String?) async throws -> [DraftSource] {
        var sources: [DraftSource] = []
        for hit in try await retriever.search(text, k: options.kbSources, filter: SearchFilter()) {
            sources.append(DraftSource(number: sources.count + 1, kind: .article, reference: "\(hit.articleID)#\(hit.chunkID)",
                                       title: hit.articleTitle, text: clip(hit.chunk.text)))
        }
        if let similar, options.ticketSources > 0 {
            let hits = try await similar.similar(to: text, k: options.ticketSources + 1)
            for hit in hits where hit.ticket.externalID != ticketID && sources.count < options.kbSources + options.ticketSources {
                guard let resolution = hit.ticket.resolution, !resolution.isEmpty else { continue }
                sources.append(DraftSource(number: sources.count + 1, kind: .ticket, reference: hit.ticket.externalID,
                                           title: "Resolved ticket: \(hit.ticket.subject ?? hit.ticket.externalID)",
                                           text: clip(resolution)))
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

    func clip(_ text: String) -> String { Self.clip(text, to: options.sourceCharacters) }

    static func reason(_ v: Verification) -> String {
        if v.citedSentences == 0 { return "not grounded: no sentence cites a source" }
        if v.validCitations < v.citations { return "not grounded: \(v.citations - v.validCitations) citation(s) name no source" }
        if !v.unbackedCommitments.isEmpty { return "not grounded: promises what no source backs (\(v.unbackedCommitments[0].prefix(80)))" }
        if !v.unknownLinks.isEmpty { return "not grounded: links not in the sources (\(v.unknownLinks.joined(separator: ", ")))" }
        return "not grounded: \(v.unsupportedSentences) of \(v.citedSentences) cited sentences unsupported"
    }

    static func stored(_ draft: Draft) throws -> StoredDraft {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return StoredDraft(id: draft.id, ticketExternalID: draft.ticketExternalID, kind: draft.kind.rawValue, model: draft.model,
                           promptVersion: draft.promptVersion, text: draft.text, grounded: draft.verification.isGrounded,
                           fallbackReason: draft.fallbackReason,
                           details: String(decoding: try encoder.encode(draft), as: UTF8.self), createdAt: draft.createdAt)
    }
}

