import Application
import ArgumentParser
import Drafting
import Foundation
import Search
import Store

/// `localtriage draft`: a cited reply for a stored ticket or ad-hoc text, verified and stored.
struct DraftCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Draft a cited reply for a ticket; every citation is checked against the cited text.",
        discussion: """
            Answer first: a ticket that matches an approved answer (localtriage answers) above the calibrated \
            threshold gets it, placeholders filled from the ticket; otherwise the reply is composed from the \
            knowledge-base passage that answers it (its steps in order, what a second source adds, an opening in the \
            customer's words). With a model asked to write the body (an --llm-endpoint, or --model-writes body), \
            its reply is delivered when it verifies. Every [n] must name a provided source and every cited \
            sentence must be supported by it; a sentence that reports an action or makes a commitment no \
            knowledge-base passage backs is withheld. Every draft is stored; none is sent.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "External id of a stored ticket.") var ticket: String?
    @Option(help: "The ticket text, for a ticket not in the store.") var text: String?
    @Option(help: "The ticket's subject, with --text.") var subject: String?
    @Option(help: "Reply language (BCP 47 tag) for --text; a stored ticket's own language is used otherwise.")
    var language = "en"
    @Option(help: "KB chunks retrieved.") var sources = 3
    @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?

    func validate() throws {
        guard (ticket == nil) != (text == nil) else { throw ValidationError("give either --ticket ID or --text \"...\"") }
        guard (1...9).contains(sources) else { throw ValidationError("--sources must be between 1 and 9") }
    }

    func run(store: any StoreBackend) async throws {
        let home = try global.homeDirectory()
        let encoder = try EncoderLoader.load(explicit: model)
        var request = DraftRequest(subject: subject, body: text ?? "", language: language)
        if let ticket {
            guard let stored = try await store.ticketWithVector(externalID: ticket, model: encoder.identity.key) else {
                throw ValidationError("no ticket \(ticket) in the store")
            }
            request = DraftRequest(stored.ticket, vector: stored.vector)
        }
        let (chat, stop) = try await llm.start(home: home)
        var options = DraftOptions()
        options.kbSources = sources
        options.modelRole = llm.modelRole
        let pipeline = try await KnowledgeServices(store: store, embedder: encoder).draftingPipeline(model: chat, options: options)
        let result: Draft
        do {
            await pipeline.warmUp()
            result = try await pipeline.draft(request) { progress in
                if case .modelWriting = progress { return }
                Report.note("… \(progress)")
            }
        } catch {
            await stop()
            throw error
        }
        await stop()
        if global.json { return try Report.json(result) }
        print(Self.describe(result))
    }

    /// The draft for people: its path, the text, each sentence's verdict, what was withheld, the sources.
    static func describe(_ result: Draft) -> String {
        var lines: [String] = []
        switch result.kind {
        case .answer:
            let a = result.answer!
            lines.append(String(format: "── approved answer %@ “%@” (similarity %.2f ≥ %.2f) ──", a.id, a.title, a.score, a.threshold))
            if !a.unfilled.isEmpty { lines.append("   to fill in: " + a.unfilled.joined(separator: ", ")) }
        case .composed:
            lines.append("── composed from the knowledge base" + (result.fallbackReason.map { " (the model's draft was not used: \($0))" } ?? "") + " ──")
        case .llm: lines.append("── written by \(result.model ?? "the model"), verified ──")
        case .extractive: lines.append("── extractive ──")
        }
        lines += [result.text, "", "── verification ──"]
        for check in result.verification.sentences {
            let mark = check.supported == nil ? "·" : check.supported! && check.invalidCitations.isEmpty ? "✓" : "✗ UNSUPPORTED"
            let cites = check.citations.isEmpty ? "" : " " + check.citations.map { "[\($0)]" }.joined()
            lines.append("\(mark) \(check.text)\(cites)\(check.support.map { String(format: "  (support %.2f)", $0) } ?? "")")
        }
        if !result.withheld.isEmpty {
            lines += ["", "── withheld (not stated to this customer) ──"] + result.withheld.map { "✗ \($0.text) — \($0.reason)" }
        }
        lines += ["", "── sources ──"] + result.sources.map { "[\($0.number)] \($0.title) (\($0.kind.rawValue) \($0.reference))" }
        let t = result.timings
        lines.append(String(format: "\n%@ draft %@ · total %.0f ms%@ · citations valid %d/%d · supported %d/%d",
                            result.kind.rawValue, result.id, t.totalMs, t.firstTokenMs.map { String(format: " · first token %.0f ms", $0) } ?? "",
                            result.verification.validCitations, result.verification.citations,
                            result.verification.supportedSentences, result.verification.citedSentences))
        return lines.joined(separator: "\n")
    }
}
