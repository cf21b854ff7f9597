import Foundation
import LLM
import Privacy
import TestSupport
import Testing

@Suite struct RedactingChatModelTests {
    static let ticket =
        "I'm anna.schmidt@web.de, call me on +49 171 2345678. Card 4111 1111 1111 1111 was charged twice; "
        + "refund to DE89 3704 0044 0532 0130 00. My password: Sommer2024!"
    static let values = ["anna.schmidt@web.de", "+49 171 2345678", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "Sommer2024!"]

    /// The request's body: the JSON after the head.
    static func body(_ request: String) -> String {
        String(request[request.range(of: "\r\n\r\n")!.upperBound...])
    }

    @Test func theEndpointSeesPlaceholdersAndTheReplyComesBackWithTheRealValues() async throws {
        // The model echoes placeholders, one of them split across two pieces of the stream.
        let server = try await ScriptedHTTPServer { _ in
            [
                .send(ScriptedHTTPServer.eventStreamHead), .send(ScriptedHTTPServer.chunk("We refund [CA")),
                .send(ScriptedHTTPServer.chunk("RD_1] and write to [EMAIL_1]")), .send(ScriptedHTTPServer.chunk(" (not [EMAIL_7]).")),
                .send("data: [DONE]\n\n"),
            ]
        }
        let client = try OpenAICompatibleClient(LLMConfiguration(baseURL: URL(string: "http://127.0.0.1:\(server.port)/v1")!, model: "remote"))
        let model = RedactingChatModel(client)
        let reply = try await model.complete(ChatRequest(messages: [.init(.system, "Answer the ticket."), .init(.user, Self.ticket)]))
        #expect(reply == "We refund 4111 1111 1111 1111 and write to anna.schmidt@web.de (not [EMAIL_7]).")
        let request = try #require(server.requests.first)
        for value in Self.values { #expect(!request.contains(value), "\(value) left the machine") }
        let sent = try JSONSerialization.jsonObject(with: Data(Self.body(request).utf8)) as! [String: Any]
        let contents = (sent["messages"] as! [[String: Any]]).map { $0["content"] as! String }
        #expect(contents[1].contains("[EMAIL_1]") && contents[1].contains("[CARD_1]") && contents[1].contains("[IBAN_1]"))
        #expect(contents.allSatisfy { PersonalDataDetector().spans(in: $0).isEmpty })
        try await server.close()
    }
}
