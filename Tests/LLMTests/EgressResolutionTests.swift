import Foundation
@testable import LLM
import TestSupport
import Testing

/// Egress is decided on the address the resolver reads, not on the host's text (issue 15, item 1).
@Suite struct EgressResolutionTests {
    /// Hosts that look like loopback or a named private host to a text check, and the address the resolver
    /// (inet_aton semantics) really connects to.
    static let offLoopback: [(host: String, resolvesTo: String)] = [
        ("0127.0.0.1", "87.0.0.1"), ("010.0.0.1", "8.0.0.1"), ("0x8.8.8.8", "8.8.8.8"), ("1.0.0.127", "1.0.0.127"),
        ("167772161", "10.0.0.1"), ("0x7f000001.1", ""), ("127.0.0.1.nip.invalid", ""), ("0.0.0.0", "0.0.0.0"),
        ("0", "0.0.0.0"), ("[::ffff:8.8.8.8]", "::ffff:8.8.8.8"), ("[::ffff:10.0.0.1]", "::ffff:10.0.0.1"),
        ("[::127.0.0.1]", "::127.0.0.1"), ("[::]", "::"), ("08.0.0.1", ""), ("127.0.0.1:80@8.8.8.8", ""),
    ]
    /// Spellings of loopback the resolver reads as 127/8 or ::1.
    static let loopback = ["127.0.0.1", "0177.0.0.1", "0x7f.1", "0x7f.0.0.1", "2130706433", "0x7f000001", "127.1", "127.0.1",
                           "017700000001", "localhost", "LOCALHOST", "[::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]",
                           "[::ffff:7f00:1]", "127.255.255.254"]

    @Test func everyEncodingThatResolvesOffLoopbackIsRefused() {
        let policy = EgressPolicy()
        for (host, address) in Self.offLoopback {
            let url = URL(string: "http://\(host):8089/v1")
            #expect(throws: LLMError.self, "\(host) (\(address))") { try policy.check(try #require(url)) }
        }
    }

    @Test func everyLoopbackSpellingPassesAndIsPinnedToTheResolvedAddress() throws {
        let policy = EgressPolicy()
        for host in Self.loopback {
            let url = try #require(URL(string: "http://\(host):8089/v1"))
            let destination = try policy.destination(of: url)
            let pinned = try #require(destination.url.host)
            let address = try #require(IPAddress(numeric: pinned.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))),
                                       "\(host) is sent to the numeric address \(pinned)")
            #expect(address.isLoopback, "\(host) → \(pinned)")
            #expect(destination.url.port == 8089 && destination.url.path == "/v1")
        }
    }

    @Test func anAllowedHostIsJudgedByItsResolvedAddressToo() throws {
        // 010.0.0.1 is 8.0.0.1 to the resolver: allowing it by name allows nothing, with a clear reason.
        let octal = EgressPolicy(allowedPrivateHosts: ["010.0.0.1"])
        #expect { try octal.check(URL(string: "http://010.0.0.1:8000/v1")!) } throws: { error in
            "\(error)".contains("8.0.0.1") && "\(error)".contains("not a private-network address")
        }
        // The same private address, spelled any way the resolver reads as 10.0.0.1, is the allowed host.
        let allowed = EgressPolicy(allowedPrivateHosts: ["10.0.0.1"])
        for host in ["10.0.0.1", "012.0.0.1", "0xa.0.0.1", "167772161", "10.1", "[::ffff:10.0.0.1]"] {
            #expect(throws: Never.self, "\(host)") { try allowed.check(URL(string: "http://\(host):8000/v1")!) }
        }
        for host in ["10.0.0.2", "0110.0.0.1", "10.0.0.1.invalid", "8.0.0.1"] {
            #expect(throws: LLMError.self, "\(host)") { try allowed.check(URL(string: "http://\(host):8000/v1")!) }
        }
        #expect(throws: Never.self) { try EgressPolicy(allowedPrivateHosts: ["0xa.0.0.1"]).check(URL(string: "http://10.0.0.1/v1")!) }
    }

    @Test func anHTTPSEndpointNamedByHostIsRefusedAndByAddressIsPinned() throws {
        #expect(throws: LLMError.self) { try EgressPolicy().check(URL(string: "https://localhost:8443/v1")!) }
        let pinned = try EgressPolicy().destination(of: URL(string: "https://127.0.0.1:8443/v1")!)
        #expect(pinned.url.absoluteString == "https://127.0.0.1:8443/v1")
    }

    @Test func theClientSendsToTheCheckedAddressWithTheOriginalHostHeader() async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send(ScriptedHTTPServer.eventStreamHead + ScriptedHTTPServer.chunk("ok") + "data: [DONE]\n\n")]
        }
        for host in ["127.1", "2130706433", "0x7f.0.0.1", "localhost"] {
            let client = try OpenAICompatibleClient(LLMConfiguration(baseURL: URL(string: "http://\(host):\(server.port)/v1")!, model: "m"))
            #expect(try await client.complete(ChatRequest(messages: [ChatMessage(.user, "hi")])) == "ok", "\(host)")
            #expect(server.requests.last?.lowercased().contains("host: \(host.lowercased()):\(server.port)") == true)
        }
        try await server.close()
    }
}

/// A model server's redirect is refused, never followed (issue 15, item 2).
@Suite struct RedirectRefusalTests {
    @Test(arguments: [301, 302, 303, 307, 308])
    func aRedirectIsReportedAndTheRequestIsNotSentAnywhereElse(status: Int) async throws {
        let elsewhere = try await ScriptedHTTPServer { _ in
            [.send(ScriptedHTTPServer.eventStreamHead + ScriptedHTTPServer.chunk("leaked") + "data: [DONE]\n\n")]
        }
        let target = "http://127.0.0.1:\(elsewhere.port)/v1/chat/completions"
        let redirecting = try await ScriptedHTTPServer { _ in
            [.send("HTTP/1.1 \(status) Redirect\r\nLocation: \(target)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]
        }
        let client = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: URL(string: "http://127.0.0.1:\(redirecting.port)/v1")!, model: "m", maxRetries: 0))
        await #expect {
            try await client.complete(ChatRequest(messages: [ChatMessage(.user, "ticket text")]))
        } throws: { error in
            guard case .refused(let why) = error as? LLMError else { return false }
            return why.contains("HTTP \(status)") && why.contains("redirect") && why.contains(target)
        }
        #expect(await client.isReachable() == false, "a redirecting server is not a reachable model server")
        #expect(redirecting.requests.count == 2)
        #expect(elsewhere.requests.isEmpty, "nothing was re-sent to the redirect's target")
        try await redirecting.close()
        try await elsewhere.close()
    }
}

/// Every wait for a model has a deadline (issue 15, item 16).
@Suite struct StreamDeadlineTests {
    /// A server that sends `pieces` pieces, then stalls with the connection open.
    static func stallingAfter(_ pieces: Int) async throws -> ScriptedHTTPServer {
        try await ScriptedHTTPServer { _ in
            [.send(ScriptedHTTPServer.eventStreamHead)]
                + (0..<pieces).flatMap { i -> [ScriptedHTTPServer.Step] in [.send(ScriptedHTTPServer.chunk("piece\(i) ")), .pause(.milliseconds(50))] }
                + [.stall]
        }
    }

    @Test(arguments: [0, 1, 3])
    func aStallIsCutAtTheFirstTokenOrBetweenPiecesDeadline(pieces: Int) async throws {
        let server = try await Self.stallingAfter(pieces)
        let client = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: URL(string: "http://127.0.0.1:\(server.port)/v1")!, model: "m",
            firstTokenTimeout: .milliseconds(600), interTokenTimeout: .milliseconds(400), totalTimeout: .seconds(600)))
        let started = ContinuousClock.now
        var received = 0
        let expected = pieces == 0 ? LLMError.timedOut("no first token within 0.6 seconds")
            : LLMError.timedOut("no next piece of the answer within 0.4 seconds")
        await #expect(throws: expected) {
            for try await _ in client.stream(ChatRequest(messages: [ChatMessage(.user, "hi")])) { received += 1 }
        }
        #expect(received == pieces)
        // Far below the ten-minute total, with room for a machine busy with other tests.
        #expect(ContinuousClock.now - started < .seconds(300), "cut by the deadline, not the ten-minute total")
        try await server.close()
    }

    @Test func piecesThatKeepComingWithinTheGapAreNotCut() async throws {
        let server = try await ScriptedHTTPServer { _ in
            [.send(ScriptedHTTPServer.eventStreamHead)]
                + (0..<8).flatMap { i -> [ScriptedHTTPServer.Step] in [.pause(.milliseconds(150)), .send(ScriptedHTTPServer.chunk("\(i)"))] }
                + [.send("data: [DONE]\n\n")]
        }
        let client = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: URL(string: "http://127.0.0.1:\(server.port)/v1")!, model: "m",
            firstTokenTimeout: .seconds(2), interTokenTimeout: .milliseconds(600), totalTimeout: .seconds(600)))
        // 1.2 s in all, longer than the gap allowed between two pieces, but no gap is.
        #expect(try await client.complete(ChatRequest(messages: [ChatMessage(.user, "hi")])) == "01234567")
        try await server.close()
    }
}
