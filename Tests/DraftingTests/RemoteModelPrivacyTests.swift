import Domain
import Drafting
import Foundation
import LLM
import Privacy
import Search
import Store
import TestSupport
import Testing

/// A knowledge base of one passage, which itself holds personal data (a support line).
private struct OnePassage: Retriever {
    let name = "one-passage"
    static let text =
        "Refunds for a double charge go back to the card that was charged within 5 days. "
        + "Questions about a refund: call our billing line +44 20 7946 0958."

    func search(_ query: String, k: Int, filter: SearchFilter) async throws -> [SearchHit] {
        [
            SearchHit(
                chunkID: 1, articleID: "KB-7", articleTitle: "Double charges", category: "billing",
                chunk: Chunk(ordinal: 0, heading: "Double charges", text: Self.text, start: 0, end: Self.text.count), score: 1)
        ]
    }
}

/// Drafts with a model behind an endpoint that is not the embedded one (issue 18, item 4): a local test server
/// stands in for the remote endpoint.
@Suite struct RemoteModelPrivacyTests {
    static let body =
        "Hi, this is anna.schmidt@web.de (mobile +49 171 2345678). My card 4111 1111 1111 1111 was charged twice "
        + "this month, please refund to DE89 3704 0044 0532 0130 00. My login password: Sommer2024!"
    static let personalData = [
        "anna.schmidt@web.de", "+49 171 2345678", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00",
        "Sommer2024!", "+44 20 7946 0958",
    ]

    @Test func theEndpointNeverReceivesADetectedEntityAndTheAgentsDraftHasTheRealValues() async throws {
        // The model answers from the placeholders it was sent, splitting one across two pieces.
        let server = try await ScriptedHTTPServer { _ in
            [
                .send(ScriptedHTTPServer.eventStreamHead),
                .send(ScriptedHTTPServer.chunk("Refunds for a double charge go back to the card [CA")),
                .send(ScriptedHTTPServer.chunk("RD_1] that was charged within 5 days [1]. ")),
                .send(ScriptedHTTPServer.chunk("Questions about a refund: call our billing line [PHONE_1] [1].")),
                .send("data: [DONE]\n\n"),
            ]
        }
        let client = try OpenAICompatibleClient(LLMConfiguration(baseURL: URL(string: "http://127.0.0.1:\(server.port)/v1")!, model: "remote"))
        let pipeline = DraftingPipeline(
            retriever: OnePassage(), similar: nil, embedder: HashingTestEmbedder(), model: RedactingChatModel(client),
            store: nil, claims: nil)
        let draft = try await pipeline.draft(DraftRequest(subject: "Charged twice", body: Self.body))

        let requests = server.requests
        #expect(!requests.isEmpty)
        for request in requests {
            for value in Self.personalData { #expect(!request.contains(value), "\(value) was sent to the endpoint") }
            let body = String(request[request.range(of: "\r\n\r\n")!.upperBound...])
            let sent = try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
            for message in sent["messages"] as! [[String: Any]] {
                let content = message["content"] as! String
                #expect(PersonalDataDetector().spans(in: content).isEmpty, "a detected entity in: \(content)")
            }
            #expect(body.contains("[CARD_1]") && body.contains("[EMAIL_1]") && body.contains("[PHONE_1]") && body.contains("[PHONE_2]"))
        }
        #expect(draft.kind == .llm, "\(draft.fallbackReason ?? "")")
        let written = draft.kind == .llm ? draft.text : (draft.modelText ?? "")
        #expect(written.contains("4111 1111 1111 1111") && written.contains("+44 20 7946 0958"), "\(written)")
        #expect(!written.contains("[CARD_1]") && !written.contains("[PHONE_1]"))
        try await server.close()
    }
}
