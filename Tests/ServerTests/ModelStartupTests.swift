import Foundation
import Hummingbird
import HummingbirdTesting
import LLM
@testable import Server
import TestSupport
import Testing

/// `serve` brings the model up in the background: a stalled model server holds up neither `/healthz` nor an honest
/// `/readyz` (issue 15, item 16).
@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct ModelStartupTests {
    /// The services `serve` builds around `model`, with the background start-up it runs.
    static func served(_ model: OpenAICompatibleClient) async throws -> (ServerServices, ModelStartup, HTTPFields) {
        var (services, store) = try await ServerTests.services(model: model, modelReady: { await model.isReachable() })
        let drafting = services.drafting
        let startup = ModelStartup(server: nil, warmUp: { await drafting.warmUp() })
        services.modelStartup = startup
        return (services, startup, try await ServerTests.key(.agent, store))
    }

    @Test func aStalledModelServerHoldsUpNeitherHealthNorReadiness() async throws {
        let stalled = try await ScriptedHTTPServer { _ in [.stall] }  // reads each request, never answers
        let model = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: URL(string: "http://127.0.0.1:\(stalled.port)/v1")!, model: "m", firstTokenTimeout: .seconds(600)))
        let (services, startup, agent) = try await Self.served(model)
        let began = ContinuousClock.now
        try await buildApplication(services, configuration: ServerConfiguration(port: 0), lifecycle: [startup]).test(.live) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get, headers: agent)
            #expect(ContinuousClock.now - began < .seconds(120), "both answered long before the model's 600 s deadline, even on a busy machine")
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body).contains(#""model":"starting: "#), "\(String(buffer: ready.body))")
        }
        #expect(ContinuousClock.now - began < .seconds(240), "shutting down cancels the warm-up before its 600 s deadline")
        try await stalled.close()
    }

    @Test func readinessTurnsOkOnceTheModelHasComeUp() async throws {
        let healthy = try await ScriptedHTTPServer { request in
            if request.hasPrefix("GET ") { return [.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")] }
            return [.pause(.milliseconds(300)), .send(ScriptedHTTPServer.eventStreamHead + ScriptedHTTPServer.chunk("Hi") + "data: [DONE]\n\n")]
        }
        let model = try OpenAICompatibleClient(LLMConfiguration(baseURL: URL(string: "http://127.0.0.1:\(healthy.port)/v1")!, model: "m"))
        let (services, startup, agent) = try await Self.served(model)
        try await buildApplication(services, configuration: ServerConfiguration(port: 0), lifecycle: [startup]).test(.live) { client in
            var status = HTTPResponse.Status.serviceUnavailable
            let deadline = ContinuousClock.now + .seconds(120)
            while status != .ok && ContinuousClock.now < deadline {
                status = try await client.execute(uri: "/readyz", method: .get, headers: agent).status
                if status != .ok { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == .ok)
            #expect(startup.state == .started)
        }
        #expect(healthy.requests.contains { $0.hasPrefix("POST /v1/chat/completions") }, "the warm-up reached the model")
        try await healthy.close()
    }
}
