import ArgumentParser
import Foundation
import Search
import Store

/// `localtriage similar "text"`: past tickets like this one, resolved ones by default, with their resolutions.
struct SimilarCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Find stored tickets similar to a text (resolved ones by default), with their resolutions.",
        discussion: "Keyword search over subject, body and resolution, fused with a dense scan of ticket embeddings "
            + "when the model is installed."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new ticket's text.") var text: String
    @Option(help: "How many tickets.") var k = 5
    @Flag(help: "Include tickets that are not resolved.") var all = false
    @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?

    struct Output: Encodable {
        var query: String
        var tickets: [TicketHit]
    }

    func run(store: any StoreBackend) async throws {
        guard (1...100).contains(k) else { throw ValidationError("--k must be between 1 and 100") }
        let similar = try await SimilarTickets(store: store, embedder: EncoderLoader.loadIfAvailable(explicit: model))
        let hits = try await similar.similar(to: text, k: k, resolvedOnly: !all)
        if global.json { return try Report.json(Output(query: text, tickets: hits)) }
        if hits.isEmpty { return print("No similar tickets.") }
        for (rank, hit) in hits.enumerated() {
            let t = hit.ticket
            print("\(rank + 1). \(t.externalID) [\(t.category ?? "-"), \(t.status?.rawValue ?? "-")] \(t.subject ?? "")")
            print("   \(t.body.prefix(200))")
            if let resolution = t.resolution { print("   → \(resolution.prefix(300))") }
            print("")
        }
    }
}
