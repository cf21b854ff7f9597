import Foundation
import Store
import TestSupport
import Testing

/// The lifecycle tables of the SQLite store on constructed records (no training).
@Suite struct LifecycleStoreTests {
    private func run(_ version: String) -> TrainingRun {
        TrainingRun(family: "router", modelVersion: version, startedAt: Date(), durationSeconds: 1, codeVersion: "test",
                    parameters: ["l2": "1e-5"], trainingData: DatasetReference(path: "/d", sha256: "d", examples: 10),
                    evaluationSet: DatasetReference(path: "/e", sha256: "e", examples: 5),
                    validation: ModelMetrics(n: 2, accuracy: 0.5),
                    evaluation: ModelMetrics(n: 5, accuracy: 0.6, p1Recall: 1, p1Support: 1),
                    artifactPath: "/a/\(version)", artifactSHA256: "s", actor: "t")
    }

    private func move(_ version: String?, from previous: String?) -> AliasChange {
        AliasChange(family: "router", alias: .champion, version: version, previousVersion: previous, action: .promote,
                    actor: "lead", reason: "why")
    }

    @Test func anAliasMovesOnlyFromWhereItIsAndOnlyToARegisteredVersion() async throws {
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("lifecycle-store"))
        let a = try await store.recordTrainingRun(run("A")), b = try await store.recordTrainingRun(run("B"))
        #expect(a.id != b.id && a.id > 0)
        #expect(try await store.evaluation(modelVersion: "B", evaluationSetSHA256: "e")?.accuracy == 0.6)

        try await store.moveAlias(move("A", from: nil))
        // A writer that read the alias before this move (a second process) is refused, not silently overwritten.
        await #expect(throws: StoreError.self) { try await store.moveAlias(self.move("B", from: nil)) }
        await #expect(throws: StoreError.self) { try await store.moveAlias(self.move("Z", from: "A")) }
        try await store.moveAlias(move("B", from: "A"))
        #expect(try await store.aliases(family: "router") == [.champion: "B"])
        #expect(try await store.aliasHistory(family: "router").map(\.version) == ["A", "B"])
        let audited = try await store.auditLog(limit: 10).filter { $0.action == "model.champion.promote" }
        #expect(audited.count == 2 && audited.allSatisfy { $0.actor == "lead" && $0.details.contains("why") })
    }

    @Test func freezingTwiceIsAuditedAsARefreezeWithItsReason() async throws {
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("lifecycle-store"))
        let first = DatasetReference(path: "/e1", sha256: "1", examples: 5)
        let second = DatasetReference(path: "/e2", sha256: "2", examples: 6)
        try await store.freezeEvaluationSet(FrozenEvaluationSet(family: "router", dataset: first, actor: "t"), reason: "first")
        try await store.freezeEvaluationSet(FrozenEvaluationSet(family: "router", dataset: second, actor: "t"), reason: "new area")
        #expect(try await store.frozenEvaluationSet(family: "router")?.dataset == second)
        let actions = try await store.auditLog(limit: 10).map(\.action)
        #expect(actions == ["evalset.refreeze", "evalset.freeze"])
        #expect(try await store.auditLog(limit: 1).first?.details.contains("new area") == true)
    }
}
