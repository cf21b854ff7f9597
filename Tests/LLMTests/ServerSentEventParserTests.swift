@testable import LLM
import Testing

@Suite struct ServerSentEventParserTests {
    @Test func eventsSplitAnywhereAcrossChunksComeOutWhole() {
        let stream = "data: {\"a\":1}\n\n: keep-alive comment\n\ndata: line one\ndata: line two\r\n\r\nevent: x\ndata:[DONE]\n\n"
        let bytes = Array(stream.utf8)
        for cut in 1..<bytes.count {
            var parser = ServerSentEventParser()
            let events = parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])
            #expect(events == ["{\"a\":1}", "line one\nline two", "[DONE]"], "cut at \(cut)")
        }
    }

    @Test func anEventWithoutTheFinalBlankLineIsKeptAtTheEnd() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("data: tail".utf8)).isEmpty)
        #expect(parser.finish() == "tail")
        #expect(parser.finish() == nil)
    }
}

@Suite struct EgressPolicyTests {
    @Test func loopbackIsAllowedAndEverythingElseIsRefusedByDefault() throws {
        let policy = EgressPolicy()
        for url in ["http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]:8000/v1", "http://127.8.9.1/v1"] {
            #expect(throws: Never.self, "\(url)") { try policy.check(URL(string: url)!) }
        }
        for url in ["http://10.0.0.5:8000/v1", "https://api.example.com/v1", "http://192.168.1.20/v1", "http://8.8.8.8/v1",
                    "file:///etc/passwd", "http://127.0.0.1.example.com/v1"] {
            #expect(throws: LLMError.self, "\(url)") { try policy.check(URL(string: url)!) }
        }
    }

    @Test func aPrivateHostIsAllowedOnlyWhenNamedAndOnlyIfPrivate() throws {
        let policy = EgressPolicy(allowedPrivateHosts: ["10.0.0.5", "api.example.com"])
        #expect(throws: Never.self) { try policy.check(URL(string: "http://10.0.0.5:8000/v1")!) }
        #expect(throws: LLMError.self) { try policy.check(URL(string: "http://10.0.0.6:8000/v1")!) }
        #expect(throws: LLMError.self) { try policy.check(URL(string: "https://api.example.com/v1")!) }
        #expect(throws: Never.self) { try EgressPolicy(allowRemote: true).check(URL(string: "https://api.example.com/v1")!) }
    }

    @Test func theClientRefusesARemoteEndpointBeforeSendingAnything() {
        let remote = LLMConfiguration(baseURL: URL(string: "https://api.example.com/v1")!, model: "m")
        #expect(throws: LLMError.self) { try OpenAICompatibleClient(remote) }
    }
}

import Foundation
