import Foundation
import TestSupport
import Testing

/// The CLI on PostgreSQL, chosen by URL (`--store postgres://…` or `LOCALTRIAGE_STORE`): the same commands, the same
/// answers, against a new database on the test server.
@Suite(.serialized, .enabled(if: TestSupport.postgresURL != nil, Comment(rawValue: TestSupport.postgresSkipReason)))
struct PostgresCLITests {
    static let demo = TestSupport.repositoryRoot.appendingPathComponent("demo")

    @Test func migrateIngestSearchAndKeysWorkOnPostgresByURL() async throws {
        try await TestSupport.withPostgresDatabase { url in
            let home = try TestSupport.temporaryDirectory("cli-pg")
            let store = ["--home", home.path, "--store", url]
            let migrated = try await CLI.json(["store", "migrate"] + store)
            #expect((migrated["applied"] as? [String])?.last == migrated["current"] as? String, "\(migrated)")
            #expect((migrated["store"] as? String)?.hasPrefix("postgres") == true)
            #expect((try await CLI.json(["store", "migrate"] + store)["applied"] as? [String]) == [])

            let first = try await CLI.json(["ingest", "tickets", Self.demo.appendingPathComponent("tickets.jsonl").path, "--no-embed"] + store)
            #expect((first["report"] as? [String: Any]).flatMap { $0["counts"] as? [String: Int] }?["stored"] == 244)
            // Ingesting the same file again changes nothing.
            let again = try await CLI.json(["ingest", "tickets", Self.demo.appendingPathComponent("tickets.jsonl").path, "--no-embed"] + store)
            #expect((again["report"] as? [String: Any]).flatMap { $0["counts"] as? [String: Int] }?["unchanged"] == 244)
            #expect(try await CLI.run(["ingest", "kb", Self.demo.appendingPathComponent("kb").path, "--no-embed"] + store).status == 0)

            let stats = try await CLI.json(["stats"] + store)
            let counts = try #require(stats["counts"] as? [String: Any])
            #expect(counts["tickets"] as? Int == 244 && counts["articles"] as? Int == 36)
            #expect((stats["store"] as? String)?.contains(URLComponents(string: url)?.password ?? "\u{0}") == false)
            #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("store.sqlite").path) == false,
                    "nothing went to the embedded store")

            // The store's keyword search (BM25 in SQL over postings, heading weighted ½ as SQLite's FTS5 does) and the
            // in-memory BM25 index (heading and text as one) agree on the best article.
            let query = "charged twice this month refund"
            let memory = try #require(try await CLI.json(["search", query, "--mode", "bm25", "--k", "3"] + store)["hits"] as? [[String: Any]])
            let inSQL = try #require(try await CLI.json(["search", query, "--mode", "fts", "--k", "3"] + store)["hits"] as? [[String: Any]])
            #expect(memory.count == 3 && inSQL.count == 3)
            #expect(memory.first?["articleID"] as? String == inSQL.first?["articleID"] as? String, "\(memory) vs \(inSQL)")

            // The same URL from the environment.
            let created = try await CLI.runWithEnvironment(["keys", "create", "--name", "pg-agent", "--role", "agent", "--json",
                                                      "--home", home.path], ["LOCALTRIAGE_STORE": url])
            #expect(created.status == 0, "\(created.stderr)")
            let keys = try await CLI.json(["keys", "list"] + store)
            #expect((keys["keys"] as? [[String: Any]])?.contains { $0["name"] as? String == "pg-agent" } == true)
            let audit = try await CLI.json(["audit"] + store)
            #expect((audit["events"] as? [[String: Any]])?.contains { ($0["action"] as? String)?.contains("key") == true } == true)
        }
    }

    /// `store copy` of a demo home (tickets, quarantine, KB with vectors, a trained router and its predictions, saved
    /// answers, keys, the audit log): every table equal in both stores, and PostgreSQL answers from the copy.
    @Test(.enabled(if: TestSupport.miniLMInstalled, "all-MiniLM-L6-v2 is not installed: run make setup"))
    func aDemoHomeIsCopiedWithEveryRowAndVectorAndTheCopyAnswers() async throws {
        let home = try TestSupport.temporaryDirectory("cli-copy")
        let local = ["--home", home.path]
        for step in [["ingest", "kb", Self.demo.appendingPathComponent("kb").path],
                     ["ingest", "tickets", Self.demo.appendingPathComponent("tickets.jsonl").path],
                     ["ingest", "tickets", Self.demo.appendingPathComponent("bad_tickets.csv").path],
                     ["train", "router", "--data", Self.demo.appendingPathComponent("tickets.jsonl").path, "--text-field", "body"],
                     ["triage", "--stored"], ["answers", "mine"], ["answers", "approve", "--all-candidates", "--reason", "test"],
                     ["keys", "create", "--name", "copied", "--role", "lead"]] {
            let result = try await CLI.run(step + local)
            try #require(result.status == 0, "\(step): \(result.stderr)")
        }
        try await TestSupport.withPostgresDatabase { url in
            let copied = try await CLI.json(["store", "copy", "sqlite:store.sqlite", url] + local)
            #expect(copied["equal"] as? Bool == true, "\(copied)")
            let tables = try #require(copied["tables"] as? [[String: Any]])
            #expect(tables.allSatisfy { $0["equal"] as? Bool == true && $0["sourceRows"] as? Int == $0["targetRows"] as? Int })
            let rows = Dictionary(uniqueKeysWithValues: tables.map { ($0["table"] as! String, $0["targetRows"] as! Int) })
            for table in ["tickets", "quarantine", "chunks", "chunk_embeddings", "ticket_embeddings", "predictions", "training_runs",
                          "model_aliases", "answers", "answer_examples", "api_keys", "audit_log", "shared_files"] {
                #expect((rows[table] ?? 0) > 0, "\(table) was empty in the demo home")
            }
            // Run again: resumed, nothing new to copy, still equal.
            let again = try await CLI.json(["store", "copy", "sqlite:store.sqlite", url] + local)
            #expect(again["resumed"] as? Bool == true && again["equal"] as? Bool == true)
            #expect((again["tables"] as? [[String: Any]])?.allSatisfy { $0["copied"] as? Int == 0 } == true)
            // The copy answers: the same counts, dense search on the copied vectors, the registry's champion.
            let onPostgres = ["--home", home.path, "--store", url]
            let countsThere = try await CLI.json(["stats"] + onPostgres)["counts"] as? NSDictionary
            let countsHere = try await CLI.json(["stats"] + local)["counts"] as? NSDictionary
            #expect(countsThere != nil && countsThere == countsHere)
            let dense = try #require(try await CLI.json(["search", "desktop app stopped syncing", "--mode", "dense", "--k", "3"] + onPostgres)["hits"]
                as? [[String: Any]])
            let denseHere = try #require(try await CLI.json(["search", "desktop app stopped syncing", "--mode", "dense", "--k", "3"] + local)["hits"]
                as? [[String: Any]])
            #expect(dense.map { $0["articleID"] as? String } == denseHere.map { $0["articleID"] as? String })
            let championThere = try await CLI.json(["models", "list"] + onPostgres)["champion"] as? String
            let championHere = try await CLI.json(["models", "list"] + local)["champion"] as? String
            #expect(championThere != nil && championThere == championHere)
            // Another machine of the install, its home empty: the champion's files come from the database.
            let elsewhere = ["--home", try TestSupport.temporaryDirectory("cli-copy-elsewhere").path, "--store", url]
            let routed = try await CLI.json(["triage", "--text", "I was charged twice for my subscription this month"] + elsewhere)
            #expect(routed["model"] as? String == championHere, "\(routed)")
            // A database holding other data is not copied into.
            let other = try await CLI.run(["store", "copy", "sqlite:other.sqlite", url] + local)
            #expect(other.status != 0 && other.stderr.contains("no SQLite store"))
        }
    }

    /// kill -9 in the middle of a copy, then run it again: it resumes, and every table is equal.
    @Test func aKilledCopyResumesAndEndsEqual() async throws {
        let home = try TestSupport.temporaryDirectory("cli-copy-kill")
        let file = home.appendingPathComponent("big.csv")
        var csv = "ticket_id,subject,body,priority,created_at\n"
        for i in 1...40_000 {
            csv += "K-\(i),Subject \(i),\"Customer \(i) reports problem number \(i % 97), please help\",P\(i % 4 + 1),2026-10-01\n"
        }
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let ingest = try await CLI.run(["ingest", "tickets", file.path, "--home", home.path, "--no-embed"])
        try #require(ingest.status == 0, "\(ingest.stderr)")
        try await TestSupport.withPostgresDatabase { url in
            let arguments = ["store", "copy", "sqlite:store.sqlite", url, "--home", home.path, "--batch-size", "500"]
            let errors = Pipe()
            let process = try CLI.start(arguments, stderr: errors)
            // Killed once it reports its first 10,000 tickets: part of the tickets are in, the rest not yet.
            let seen = await CLI.blocking {
                var seen = ""
                while !seen.contains("tickets: 10000 rows copied"), process.isRunning {
                    let data = errors.fileHandleForReading.availableData
                    if data.isEmpty { break }
                    seen += String(decoding: data, as: UTF8.self)
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return seen
            }
            try #require(process.terminationReason == .uncaughtSignal, "the copy ended before it was killed: \(seen)")
            let resumed = try await CLI.json(arguments)
            #expect(resumed["resumed"] as? Bool == true && resumed["equal"] as? Bool == true, "\(resumed)")
            let tickets = try #require((resumed["tables"] as? [[String: Any]])?.first { $0["table"] as? String == "tickets" })
            #expect(tickets["targetRows"] as? Int == 40_000)
            #expect((tickets["copied"] as? Int ?? 0) < 40_000, "the second run copied only what the first had not")
        }
    }

    @Test func aStoreThatCannotBeReachedIsAClearError() async throws {
        let home = try TestSupport.temporaryDirectory("cli-pg-down")
        // Port 1 on loopback: nothing listens there.
        let down = try await CLI.run(["stats", "--home", home.path, "--store", "postgres://nobody:pw@127.0.0.1:1/none"])
        #expect(down.status != 0)
        #expect(!down.stderr.contains("pw@"), "the password is never printed: \(down.stderr)")
    }
}
