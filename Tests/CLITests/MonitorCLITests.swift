import Foundation
import TestSupport
import Testing

/// `localtriage monitor` end to end on small files (needs the MiniLM model in .venv).
@Suite(.serialized) struct MonitorCLITests {
    static let modelInstalled = TestSupport.miniLMInstalled

    static func tickets(_ category: String, _ phrases: [String], count: Int, offset: Int = 0) -> [String] {
        (0..<count).map { i in
            let text = "\(phrases[i % phrases.count]) (order \(offset + i))"
            return "{\"text\": \"\(text)\", \"category\": \"\(category)\"}"
        }
    }

    static let card = ["my card has not arrived yet", "when will my new card be delivered", "the card I ordered never came"]
    static let refund = ["I want a refund for this purchase", "please return my money for the order", "how long does a refund take"]
    static let login = ["I cannot log in to the app", "my password reset link does not work", "the app says my login is wrong"]
    static let crypto = ["can I buy bitcoin with my balance", "how do I send ethereum to a wallet", "why was my crypto transfer blocked"]

    @Test(.enabled(if: modelInstalled, "all-MiniLM-L6-v2 is not installed: run make setup"))
    func monitorWritesReportsAndExitsThreeOnDrift() async throws {
        let dir = try TestSupport.temporaryDirectory("cli-monitor")
        let reference = Self.tickets("card", Self.card, count: 40) + Self.tickets("refund", Self.refund, count: 40)
            + Self.tickets("login", Self.login, count: 40)
        let referenceFile = dir.appendingPathComponent("reference.jsonl")
        try reference.joined(separator: "\n").write(to: referenceFile, atomically: true, encoding: .utf8)
        // Same rows, same mix: nothing to report.
        let sameFile = dir.appendingPathComponent("same.jsonl")
        try reference.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: "\n")
            .write(to: sameFile, atomically: true, encoding: .utf8)
        // No refunds, many card tickets, and a new crypto theme.
        let shiftedFile = dir.appendingPathComponent("shifted.jsonl")
        try (Self.tickets("card", Self.card, count: 40, offset: 100) + Self.tickets("login", Self.login, count: 10, offset: 100)
             + Self.tickets("crypto", Self.crypto, count: 30)).joined(separator: "\n")
            .write(to: shiftedFile, atomically: true, encoding: .utf8)

        let quietOut = dir.appendingPathComponent("quiet")
        let quiet = try await CLI.run(["monitor", "--reference", referenceFile.path, "--window", sameFile.path,
                                 "--out", quietOut.path, "--home", dir.path, "--clusters", "8"])
        #expect(quiet.status == 0, "\(quiet.stdout)\n\(quiet.stderr)")
        #expect(quiet.stdout.contains("no drift"))

        let out = dir.appendingPathComponent("report")
        let result = try await CLI.run(["monitor", "--reference", referenceFile.path, "--window", shiftedFile.path,
                                  "--out", out.path, "--home", dir.path, "--clusters", "8", "--json"])
        #expect(result.status == 3, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                  "stdout is not one JSON object: \(result.stdout)")
        #expect(object["drifted"] as? Bool == true)
        let checks = try #require((object["drift"] as? [String: Any])?["checks"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: checks.map { ($0["name"] as! String, $0["status"] as! String) })
        #expect(status["category"] == "drift" && status["embedding"] == "drift" && status["confidence"] == "skipped")
        let themes = try #require((object["themes"] as? [String: Any])?["themes"] as? [[String: Any]])
        #expect(themes.contains { ($0["terms"] as? [String] ?? []).contains { ["bitcoin", "crypto", "ethereum", "wallet"].contains($0) } },
                "\(themes)")

        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("crypto") && !html.contains("<script"))
        let metrics = try String(contentsOf: out.appendingPathComponent("metrics.prom"), encoding: .utf8)
        #expect(metrics.contains("localtriage_drift_alert 1") && metrics.contains("localtriage_drift_check_alert{check=\"category\"} 1"))
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any]
        #expect(saved?["drifted"] as? Bool == true)

        let missing = try await CLI.run(["monitor", "--reference", dir.appendingPathComponent("nope.csv").path,
                                   "--window", shiftedFile.path, "--out", out.path, "--home", dir.path])
        #expect(missing.status != 0 && missing.status != 3)
    }

    @Test(.enabled(if: modelInstalled, "all-MiniLM-L6-v2 is not installed: run make setup"))
    func monitorChecksTheStoredTicketsOfTheLastDaysIntoTheHome() async throws {
        let dir = try TestSupport.temporaryDirectory("cli-monitor-store")
        let referenceFile = dir.appendingPathComponent("reference.jsonl")
        try (Self.tickets("card", Self.card, count: 40) + Self.tickets("login", Self.login, count: 40))
            .joined(separator: "\n").write(to: referenceFile, atomically: true, encoding: .utf8)
        // Tickets without a creation date count from their ingestion: now.
        let recent = (Self.tickets("card", Self.card, count: 20, offset: 200) + Self.tickets("crypto", Self.crypto, count: 30))
            .enumerated().map { $0.element.replacingOccurrences(of: "{", with: "{\"id\": \"R-\($0.offset)\", ") }
        let recentFile = dir.appendingPathComponent("recent.jsonl")
        try recent.joined(separator: "\n").write(to: recentFile, atomically: true, encoding: .utf8)

        let noReference = try await CLI.run(["monitor", "--recent-days", "7", "--home", dir.path])
        #expect(noReference.status != 0 && noReference.stderr.contains("--reference"), "\(noReference.stderr)")
        let ingest = try await CLI.run(["ingest", "tickets", recentFile.path, "--home", dir.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let result = try await CLI.run(["monitor", "--reference", referenceFile.path, "--recent-days", "7", "--home", dir.path,
                                  "--clusters", "8", "--json"])
        #expect(result.status == 3, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["window"] as? String == "store: 50 tickets created in the last 7 days")
        // The latest run lands in the home, where the server reads it (/metrics, analytics).
        let latest = dir.appendingPathComponent("monitor")
        let metrics = try String(contentsOf: latest.appendingPathComponent("metrics.prom"), encoding: .utf8)
        #expect(metrics.contains("localtriage_drift_alert 1") && metrics.contains("localtriage_monitor_last_run_timestamp_seconds"))
        #expect(FileManager.default.fileExists(atPath: latest.appendingPathComponent("report.html").path))
        let both = try await CLI.run(["monitor", "--reference", referenceFile.path, "--recent-days", "7", "--window", recentFile.path,
                                "--home", dir.path])
        #expect(both.status != 0 && both.status != 3 && both.stderr.contains("either"))
    }
}
