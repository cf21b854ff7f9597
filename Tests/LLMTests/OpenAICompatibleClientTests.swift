import Foundation
@testable import LLM
import TestSupport
import Testing

@Suite struct ClientFaultTests {
    @Test func aHungServerTimesOutAtTheFirstTokenDeadline() async throws {
        let hung = try await SilentServer()
        let client = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: URL(string: "http://127.0.0.1:\(hung.port)/v1")!, model: "m",
            firstTokenTimeout: .milliseconds(500), totalTimeout: .seconds(600)))
        // The message names the deadline that fired: the first-token one, long before the total one.
        await #expect(throws: LLMError.timedOut("no first token within 0.5 seconds")) {
            try await client.complete(ChatRequest(messages: [ChatMessage(.user, "hi")]))
        }
        try await hung.close()
    }

    @Test func aServerThatIsDownIsRetriedThenReportedUnavailable() async throws {
        let port = try LlamaServer.freePort()
        let client = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: URL(string: "http://127.0.0.1:\(port)/v1")!, model: "m",
            firstTokenTimeout: .seconds(600), totalTimeout: .seconds(600), maxRetries: 2))
        let started = ContinuousClock.now
        await #expect {
            try await client.complete(ChatRequest(messages: [ChatMessage(.user, "hi")]))
        } throws: { error in
            guard case .unavailable = error as? LLMError else { return false }
            return true
        }
        // Two retries with 400 and 800 ms back-off.
        #expect(ContinuousClock.now - started >= .milliseconds(1_100))
    }

    @Test func cancellingTheConsumerCancelsTheRequest() async throws {
        let hung = try await SilentServer()
        let client = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: URL(string: "http://127.0.0.1:\(hung.port)/v1")!, model: "m",
            firstTokenTimeout: .seconds(600), totalTimeout: .seconds(600)))
        let task = Task { try await client.complete(ChatRequest(messages: [ChatMessage(.user, "hi")])) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        // With both deadlines ten minutes away, only the cancellation can end the call.
        await #expect(throws: CancellationError.self) { try await task.value }
        try await hung.close()
    }
}

/// The real llama-server with the real Gemma 3 270M model.
@Suite(.serialized, .enabled(if: TestSupport.llamaServerInstalled, "llama-server or the GGUF is not installed: run make setup"))
struct LlamaServerTests {
    @Test func startsStreamsRestartsAfterACrashAndStops() async throws {
        let log = try TestSupport.temporaryDirectory("llama").appendingPathComponent("llama-server.log")
        var options = try LlamaServerOptions.installed(root: TestSupport.repositoryRoot)
        options.logFile = log
        let server = LlamaServer(options: options)
        let url = try await server.start()
        #expect(await server.isReady())
        // Deadlines for a loaded machine: this test is about starting, streaming, restarting and stopping, not speed
        // (the 20 s first-token default was missed while other suites kept both cores busy).
        let client = try OpenAICompatibleClient(LLMConfiguration(
            baseURL: url, model: server.modelName, firstTokenTimeout: .seconds(120), interTokenTimeout: .seconds(60),
            totalTimeout: .seconds(300), sendsGrammar: true))

        var pieces: [String] = []
        let request = ChatRequest(messages: [ChatMessage(.user, "Write one short sentence about tea.")], maxTokens: 40,
                                  grammar: #"root ::= [a-z ]{1,30} "[" ( "1" | "2" ) "]""#)
        for try await piece in client.stream(request) { pieces.append(piece) }
        #expect(pieces.count > 1, "the answer arrives in several pieces")
        let text = pieces.joined()
        #expect(text.range(of: #"^[a-z ]+\[[12]\]$"#, options: .regularExpression) != nil, "the grammar holds: \(text)")

        // A crash (SIGKILL) is followed by a restart on the same port.
        let pid = try #require(await server.processID)
        kill(pid, SIGKILL)
        // The model loads again on restart: seconds when quiet, a minute or more while other suites run; and on
        // busy cores an answer to /health can take longer than the probes' 2 s.
        var restarted = false
        let deadline = ContinuousClock.now + .seconds(240)
        while !restarted && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let count = await server.restartCount
            restarted = count == 1 ? await server.isReady(timeout: .seconds(30)) : false
        }
        #expect(restarted)
        #expect(try await client.complete(ChatRequest(messages: [ChatMessage(.user, "Say hi.")], maxTokens: 4)).isEmpty == false)

        #expect(await server.stop() == .terminated, "SIGTERM stops it (it used to inherit a blocked SIGTERM and be killed)")
        #expect(await server.isReady() == false)
        #expect(await server.processID == nil)
    }

    @Test func aServerLeftByASupervisorThatDiedIsStoppedByTheNextStart() async throws {
        let folder = try TestSupport.temporaryDirectory("llama-orphans")
        var options = try LlamaServerOptions.installed(root: TestSupport.repositoryRoot)
        // The orphan: a llama-server whose supervisor (a process that has ended) never stopped it.
        let orphan = Process()
        orphan.executableURL = options.binary
        orphan.arguments = ["--model", options.model.path, "--host", "127.0.0.1", "--port", String(try LlamaServer.freePort()),
                            "--threads", "1"]
        orphan.standardOutput = FileHandle.nullDevice
        orphan.standardError = FileHandle.nullDevice
        try orphan.run()
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/sh")
        ended.arguments = ["-c", "exit 0"]
        try ended.run()
        ended.waitUntilExit()
        let deadSupervisor = folder.appendingPathComponent("llama-server.\(ended.processIdentifier).pid")
        let liveSupervisor = folder.appendingPathComponent("llama-server.\(getpid()).pid")
        for file in [deadSupervisor, liveSupervisor] {
            try "\(orphan.processIdentifier)\n".write(to: file, atomically: true, encoding: .utf8)
        }

        options.pidDirectory = folder
        let server = LlamaServer(options: options)
        _ = try await server.start()
        orphan.waitUntilExit()
        #expect(!orphan.isRunning, "the orphan was stopped")
        #expect(!FileManager.default.fileExists(atPath: deadSupervisor.path))
        #expect(try String(contentsOf: liveSupervisor, encoding: .utf8) == "\(try #require(await server.processID))\n",
                "a live supervisor's record is its own server's")
        #expect(await server.stop() == .terminated)
        #expect(!FileManager.default.fileExists(atPath: liveSupervisor.path), "removed when the server stops")
    }
}
