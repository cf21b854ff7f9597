import Foundation
import GRDB
import TestSupport
import Testing

/// Runs the real `localtriage` binary (built by `swift build` before the tests).
struct CLI {
    static let binary: URL? = {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("localtriage"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("localtriage"),
            TestSupport.repositoryRoot.appendingPathComponent(".build/debug/localtriage"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func start(_ arguments: [String], environment: [String: String] = [:], stdout: Pipe = Pipe(),
                      stderr: Pipe = Pipe()) throws -> Process {
        let process = Process()
        process.executableURL = try #require(binary, "build the localtriage binary first (swift build)")
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return process
    }

    static func run(_ arguments: [String]) async throws -> Result {
        try await runWithEnvironment(arguments, [:])
    }

    /// Runs with `environment` added to this process's.
    static func runWithEnvironment(_ arguments: [String], _ environment: [String: String]) async throws -> Result {
        let out = Pipe(), err = Pipe()
        let process = try start(arguments, environment: environment, stdout: out, stderr: err)
        async let stderr = blocking { err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = await blocking { out.fileHandleForReading.readDataToEndOfFile() }
        let status = await blocking { process.waitUntilExit(); return process.terminationStatus }
        return Result(status: status, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: await stderr, as: UTF8.self))
    }

    /// Runs `work`, which blocks (waits for a child process or a pipe), on a thread of its own. On the Swift
    /// concurrency pool — two threads on a two-core machine — it would hold up every other suite's servers and
    /// clients until the child process ended.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in
            Thread.detachNewThread { done.resume(returning: work()) }
        }
    }

    /// Runs with `--json` and decodes the single JSON object printed on stdout.
    static func json(_ arguments: [String]) async throws -> [String: Any] {
        let result = try await run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any], "stdout is not one JSON object: \(result.stdout)")
    }
}

@Suite(.serialized) struct CLITests {
    @Test func everyCommandHasHelp() async throws {
        for command in [[], ["ingest"], ["ingest", "tickets"], ["ingest", "kb"], ["search"], ["stats"],
                        ["quarantine"], ["bench"], ["bench", "ingest"]] {
            let result = try await CLI.run(command + ["--help"])
            #expect(result.status == 0, "\(command) --help failed: \(result.stderr)")
            #expect(result.stdout.contains("USAGE"), "\(command) --help printed no usage")
        }
    }

    @Test func globalOptionsWorkBeforeAndAfterTheCommand() async throws {
        let home = try TestSupport.temporaryDirectory("cli")
        let before = try await CLI.run(["--home", home.path, "--json", "stats"])
        let after = try await CLI.run(["stats", "--home", home.path, "--json"])
        #expect(before.status == 0 && after.status == 0)
        #expect(before.stdout.contains("\"home\":\"\(home.path)\"") && after.stdout.contains("\"tickets\":0"))
        #expect(try await CLI.run(["--home", home.path]).status != 0)
    }

    @Test func storeURLChoosesTheStoreAndABadOneIsAClearError() async throws {
        let home = try TestSupport.temporaryDirectory("cli")
        let file = home.appendingPathComponent("t.jsonl")
        try "{\"id\": \"1\", \"body\": \"hello\"}\n".write(to: file, atomically: true, encoding: .utf8)
        _ = try await CLI.json(["ingest", "tickets", file.path, "--home", home.path, "--store", "sqlite:second.sqlite", "--no-embed"])
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("second.sqlite").path))
        let second = try await CLI.json(["stats", "--home", home.path, "--store", "sqlite:second.sqlite"])
        let embedded = try await CLI.json(["stats", "--home", home.path])
        #expect((second["counts"] as? [String: Any])?["tickets"] as? Int == 1)
        #expect((embedded["counts"] as? [String: Any])?["tickets"] as? Int == 0)
        let bad = try await CLI.run(["stats", "--home", home.path, "--store", "mysql://db"])
        #expect(bad.status != 0 && bad.stderr.contains("not one of: sqlite"))
    }

    @Test func ingestReportsCountsAndExitsZeroWithQuarantinedRecords() async throws {
        let home = try TestSupport.temporaryDirectory("cli")
        let file = home.appendingPathComponent("t.jsonl")
        try "{\"id\": \"1\", \"body\": \"hello\"}\n{\"id\": \"2\"}\n".write(to: file, atomically: true, encoding: .utf8)
        let output = try await CLI.json(["ingest", "tickets", file.path, "--home", home.path, "--no-embed"])
        let counts = try #require((output["report"] as? [String: Any])?["counts"] as? [String: Int])
        #expect(counts == ["read": 2, "stored": 1, "updated": 0, "unchanged": 0, "quarantined": 1])
        let sample = try #require(output["quarantineSample"] as? [[String: Any]])
        #expect(sample.first?["line"] as? Int == 2)

        let missing = try await CLI.run(["ingest", "tickets", home.appendingPathComponent("nope.csv").path,
                                   "--home", home.path, "--no-embed"])
        #expect(missing.status != 0 && missing.stderr.contains("cannot read"))
    }

    /// kill -9 in the middle of a large file, then run again: nothing committed is lost, nothing is duplicated.
    @Test func aKilledIngestResumesWithoutDuplicates() async throws {
        let home = try TestSupport.temporaryDirectory("cli-kill")
        let file = home.appendingPathComponent("big.csv")
        let total = 60_000
        var csv = "ticket_id,subject,body,priority,created_at\n"
        for i in 1...total {
            csv += "K-\(i),Subject \(i),\"Customer \(i) reports problem number \(i % 97), please help\",P\(i % 4 + 1),2026-10-01\n"
        }
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let database = home.appendingPathComponent("store.sqlite").path

        let process = try CLI.start(["ingest", "tickets", file.path, "--home", home.path, "--batch-size", "250",
                                     "--no-embed"])
        // The watcher runs on a thread of its own: on the Swift concurrency pool, other suites' CPU work could
        // delay it until the ingest had finished.
        let killed = await CLI.blocking {
            var committed = 0
            let deadline = Date().addingTimeInterval(120)
            while committed < 1_000 && process.isRunning && Date() < deadline {
                usleep(10_000)
                if FileManager.default.fileExists(atPath: database) {
                    committed = (try? Self.count(database, "SELECT COUNT(*) FROM tickets")) ?? 0
                }
            }
            guard process.isRunning else { return false }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return true
        }
        try #require(killed, "the ingest finished before it could be killed; use a larger file")
        #expect(process.terminationReason == .uncaughtSignal)

        let afterKill = try Self.count(database, "SELECT COUNT(*) FROM tickets")
        #expect(afterKill >= 1_000 && afterKill < total && afterKill % 250 == 0, "committed \(afterKill)")

        let output = try await CLI.json(["ingest", "tickets", file.path, "--home", home.path, "--batch-size", "250",
                                   "--no-embed"])
        let report = try #require(output["report"] as? [String: Any])
        let resumedFrom = try #require(report["resumedFrom"] as? Int)
        #expect(resumedFrom >= afterKill)
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts["read"] == total && counts["stored"] == total && counts["quarantined"] == 0)
        #expect(try Self.count(database, "SELECT COUNT(*) FROM tickets") == total)
        #expect(try Self.count(database, "SELECT COUNT(DISTINCT external_id) FROM tickets") == total)
    }

    private static func count(_ database: String, _ sql: String) throws -> Int {
        try DatabaseQueue(path: database).read { try Int.fetchOne($0, sql: sql) } ?? 0
    }

    @Test(.enabled(if: TestSupport.hasShared("data/localtriage-anchor/knowledge_base_articles.json")))
    func searchPrintsTitlesChunksAndScores() async throws {
        let home = try TestSupport.temporaryDirectory("cli-search")
        let kb = TestSupport.sharedFile("data/localtriage-anchor/knowledge_base_articles.json")!
        #expect(try await CLI.run(["ingest", "kb", kb.path, "--home", home.path, "--no-embed"]).status == 0)
        let human = try await CLI.run(["search", "charged twice on my card", "--k", "3", "--home", home.path])
        #expect(human.status == 0 && human.stdout.contains("score") && human.stdout.contains("1. "))
        let json = try await CLI.json(["search", "charged twice on my card", "--k", "3", "--home", home.path])
        let hits = try #require(json["hits"] as? [[String: Any]])
        #expect(hits.count == 3)
        #expect(hits.allSatisfy { ($0["articleTitle"] as? String)?.isEmpty == false && ($0["score"] as? Double ?? 0) > 0 })
        #expect(try await CLI.run(["search", "x", "--k", "0", "--home", home.path]).status != 0)
    }
}
