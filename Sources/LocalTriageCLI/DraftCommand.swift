import ArgumentParser
import Drafting
import Foundation
import Search
import Store

/// `localtriage draft`: a cited reply for a stored ticket or ad-hoc text, streamed, verified and stored.
struct DraftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Draft a cited reply for a ticket; every citation is checked against the cited text.",
        discussion: """
            Retrieves KB chunks (hybrid search) and similar resolved tickets, asks the model for a reply citing them \
            as [n], streams it, then verifies it: every [n] must name a provided source and every cited sentence must \
            be supported by it. Unsupported sentences are flagged. When the model is down, too slow or not grounded, \
            a grounded extractive draft is given instead, marked as such. Every draft is stored; none is sent.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "External id of a stored ticket.") var ticket: String?
    @Option(help: "The ticket text, for a ticket not in the store.") var text: String?
    @Option(help: "Reply language (BCP 47 tag) for --text; a stored ticket's own language is used otherwise.")
    var language = "en"
    @Option(help: "KB chunks given to the model.") var sources = 3
    @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?

    func validate() throws {
        guard (ticket == nil) != (text == nil) else { throw ValidationError("give either --ticket ID or --text \"...\"") }
        guard (1...9).contains(sources) else { throw ValidationError("--sources must be between 1 and 9") }
    }

    func run() async throws {
        let home = try global.homeDirectory()
        let store = try SQLiteStore(home: home)
        var body = text ?? ""
        var language = self.language
        if let ticket {
            guard let stored = try await store.ticket(externalID: ticket) else {
                throw ValidationError("no ticket \(ticket) in the store")
            }
            body = stored.text
            language = stored.language ?? language
        }
        let encoder = try EncoderLoader.load(explicit: model)
        let retriever = HybridRetriever(keyword: try await MemoryKeywordRetriever(store: store),
                                        dense: try await DenseRetriever(store: store, embedder: encoder),
                                        fusion: .convex(keywordWeight: 0.25))
        let (chat, stop) = try await llm.start(home: home)
        var options = DraftOptions()
        options.kbSources = sources
        let pipeline = DraftingPipeline(retriever: retriever, similar: try await SimilarTickets(store: store, embedder: encoder),
                                        embedder: encoder, model: chat, store: store, options: options)
        let streaming = !global.json
        let result: Draft
        do {
            result = try await pipeline.draft(text: body, language: language, ticketExternalID: ticket) { piece in
                if streaming { FileHandle.standardOutput.write(Data(piece.utf8)) }
            }
        } catch {
            await stop()
            throw error
        }
        await stop()
        if global.json { return try Report.json(result) }
        if result.kind == .extractive {
            if result.modelText != nil { print("\n") }
            print("── extractive draft (\(result.fallbackReason ?? "fallback")) ──")
            print(result.text)
        }
        print("\n── verification ──")
        for check in result.verification.sentences {
            let mark = check.supported == nil ? "·" : check.supported! && check.invalidCitations.isEmpty ? "✓" : "✗ UNSUPPORTED"
            let cites = check.citations.isEmpty ? "" : " " + check.citations.map { "[\($0)]" }.joined()
            print("\(mark) \(check.text)\(cites)\(check.support.map { String(format: "  (support %.2f)", $0) } ?? "")")
        }
        print("\n── sources ──")
        for source in result.sources { print("[\(source.number)] \(source.title) (\(source.kind.rawValue) \(source.reference))") }
        let t = result.timings
        print(String(format: "\n%@ draft %@ · model %@ · first token %@ · total %.0f ms · citations valid %d/%d · supported %d/%d",
                     result.kind.rawValue, result.id, result.model ?? "none",
                     t.firstTokenMs.map { String(format: "%.0f ms", $0) } ?? "–", t.totalMs,
                     result.verification.validCitations, result.verification.citations,
                     result.verification.supportedSentences, result.verification.citedSentences))
    }
}
