import Foundation
import GRDB
import TestSupport
import Testing

/// `train router`, `models`, `runs` and `triage` end to end on the anchor data, through the real binary. Part of
/// the serialized `CLITests` suite: its trainings would otherwise starve the kill -9 ingest test's watcher.
extension CLITests {
    @Test(.enabled(if: TestSupport.hasShared("data/localtriage-anchor/train.jsonl")
                       && TestSupport.hasShared("data/localtriage-anchor/eval.jsonl"),
                   "the anchor data (../shared/data/localtriage-anchor) is not present"))
    func promotionRollbackAndTriageFollowTheChampionWithJSON() async throws {
        let home = try TestSupport.temporaryDirectory("cli-lifecycle").path
        let train = TestSupport.sharedFile("data/localtriage-anchor/train.jsonl")!
        let eval = TestSupport.sharedFile("data/localtriage-anchor/eval.jsonl")!
        // A weak router: every sixth training ticket, TF-IDF only. The first one registered becomes champion.
        let lines = try String(contentsOf: train, encoding: .utf8).split(separator: "\n")
        let weakData = URL(fileURLWithPath: home).appendingPathComponent("weak.jsonl")
        try (stride(from: 0, to: lines.count, by: 6).map { String(lines[$0]) }.joined(separator: "\n") + "\n")
            .write(to: weakData, atomically: true, encoding: .utf8)
        let weak = try await CLI.json(["train", "router", "--data", weakData.path, "--eval-set", eval.path, "--no-embeddings",
                                 "--home", home])
        #expect(weak["champion"] as? Bool == true && weak["frozeEvaluationSet"] as? Bool == true)
        let v1 = try #require(weak["version"] as? String)
        // A strong one on all the data, scored on the frozen set by default.
        let strong = try await CLI.json(["train", "router", "--data", train.path, "--home", home])
        let v2 = try #require(strong["version"] as? String)
        #expect(strong["champion"] as? Bool == false)
        let strongAccuracy = try #require((strong["evaluation"] as? [String: Any])?["accuracy"] as? Double)
        let weakAccuracy = try #require((weak["evaluation"] as? [String: Any])?["accuracy"] as? Double)
        #expect((strong["evaluation"] as? [String: Any])?["n"] as? Int == 60)

        // Rows of no category are scored apart: abstaining on them is right; every row's prediction in --details.
        let mixed = URL(fileURLWithPath: home).appendingPathComponent("mixed.jsonl")
        let outside = [#"{"text": "What is the capital of Mongolia?", "category": "out_of_scope"}"#,
                       #"{"text": "Write me a poem about autumn leaves", "category": "out_of_scope"}"#]
        try (String(contentsOf: eval, encoding: .utf8).split(separator: "\n").map(String.init) + outside)
            .joined(separator: "\n").write(to: mixed, atomically: true, encoding: .utf8)
        let details = URL(fileURLWithPath: home).appendingPathComponent("rows.jsonl")
        let report = try await CLI.json(["eval", "router", "--data", mixed.path, "--model", v2, "--details", details.path,
                                   "--home", home])
        let outOfScope = try #require(report["outOfScope"] as? [String: Any])
        #expect(outOfScope["n"] as? Int == 2 && outOfScope["allRows"] as? Int == 62)
        #expect((report["router"] as? [String: Any])?["n"] as? Int == 60, "category metrics cover in-scope rows only")
        let rows = try String(contentsOf: details, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rows.count == 62 && rows.filter { $0["outOfScope"] as? Bool == true }.count == 2)
        let right = Double(rows.filter { $0["correct"] as? Bool == true }.count) / 62
        #expect(abs(right - (outOfScope["accuracy"] as? Double ?? -1)) < 1e-9)

        let ticket = ["triage", "--text", "I was charged twice for my subscription", "--home", home]
        #expect(try await CLI.json(ticket)["model"] as? String == v1)

        let promoted = try await CLI.json(["models", "promote", v2, "--home", home])
        #expect(promoted["promoted"] as? Bool == true)
        #expect(try await CLI.json(ticket)["model"] as? String == v2)

        // Back to the weak one through the gate: refused, one JSON object stating both numbers, exit non-zero.
        let refused = try await CLI.run(["models", "promote", v1, "--home", home, "--json"])
        #expect(refused.status != 0)
        let verdict = try #require(try JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [String: Any])
        let explanation = try #require((verdict["verdict"] as? [String: Any])?["explanation"] as? String)
        #expect(verdict["promoted"] as? Bool == false && explanation.contains(String(format: "%.3f", weakAccuracy))
            && explanation.contains(String(format: "%.3f", strongAccuracy)), "\(explanation)")
        #expect(try await CLI.run(["models", "promote", v1, "--force", "--home", home]).status != 0)  // no reason

        let rollback = try await CLI.json(["models", "rollback", "--reason", "misroutes", "--home", home])
        #expect(rollback["version"] as? String == v1 && rollback["previousVersion"] as? String == v2)
        #expect(try await CLI.json(ticket)["model"] as? String == v1)

        let models = try await CLI.json(["models", "list", "--home", home])
        #expect(models["champion"] as? String == v1 && (models["versions"] as? [Any])?.count == 2)
        let runs = try #require(try await CLI.json(["runs", "list", "--home", home])["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["modelVersion"] as? String } == [v2, v1])
        let id = try #require(runs.first?["id"] as? Int)
        let shown = try #require(try await CLI.json(["runs", "show", String(id), "--home", home])["run"] as? [String: Any])
        #expect(shown["modelVersion"] as? String == v2 && (shown["artifactSHA256"] as? String)?.count == 64)
        let card = try await CLI.run(["models", "card", v2, "--home", home])
        #expect(card.status == 0 && card.stdout.contains("# Model card: \(v2)"))
        let table = try await CLI.run(["models", "list", "--home", home])
        #expect(table.status == 0 && table.stdout.contains("champion"))

        let actions = try await DatabaseQueue(path: home + "/store.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE action LIKE 'model.champion.%' ORDER BY id")
        }
        #expect(actions == ["model.champion.initial", "model.champion.promote", "model.champion.rollback"])
    }
}
