import Foundation
import Testing

/// `localtriage eval pii`: one JSON object with the scores per type, n and the look-alikes flagged.
@Suite struct EvalPIIPrivacyTests {
    @Test func evalPIIPrintsOneJSONObjectWithScoresPerTypeAndTheLookAlikeCount() async throws {
        let report = try await CLI.json(["eval", "pii", "--seed", "5", "--entities", "300", "--look-alikes", "300"])
        #expect(report["seed"] as? Int == 5)
        let types = try #require(report["types"] as? [String: [String: Any]])
        #expect(Set(types.keys) == ["email", "phone", "card", "iban", "ip_address", "address", "national_id", "secret"])
        for (type, scores) in types {
            #expect((scores["n"] as? Int ?? 0) > 0, "\(type)")
            #expect(scores["precision"] is Double && scores["recall"] is Double && scores["f2"] is Double, "\(type)")
        }
        #expect(report["lookAlikes"] as? Int ?? 0 >= 300)
        #expect(report["lookAlikeFalsePositives"] is Int)
        #expect((report["goals"] as? [String: Bool])?.count == 3)
    }
}
