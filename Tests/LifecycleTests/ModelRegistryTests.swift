import Domain
import Foundation
import Lifecycle
import Store
import TestSupport
import Testing

/// The registry on real trainings: a weak router (a sixth of the anchor training data, word TF-IDF only) and a
/// strong one (all of it, with sentence embeddings), both scored on the anchor evaluation set. One test at a time:
/// parallel trainings starved the timing-sensitive suites (LLM client deadlines) on 2 cores.
@Suite(.serialized, .enabled(if: anchorTrain != nil && anchorEval != nil, "\(anchorMissing)"),
       .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct ModelRegistryTests {
    @Test func promotionIsRefusedForAWorseModelAndAcceptedForABetterOne() async throws {
        let lab = try LifecycleFixture("registry-gate")
        let weak = try await lab.trainWeak(evalSet: anchorEval)
        #expect(weak.championChange?.action == .initial && weak.frozeEvaluationSet)
        let strong = try await lab.trainStrong()  // scored on the frozen set by default
        #expect(strong.run.evaluationSet?.sha256 == weak.run.evaluationSet?.sha256)
        let weakMetrics = try #require(weak.run.evaluation), strongMetrics = try #require(strong.run.evaluation)
        try #require(strongMetrics.accuracy >= weakMetrics.accuracy + 0.005
                         && (strongMetrics.p1Recall ?? 0) >= (weakMetrics.p1Recall ?? 0),
                     "the strong configuration should beat the weak one: \(strongMetrics) vs \(weakMetrics)")

        let promotion = try await lab.registry.promote(strong.run.modelVersion, actor: "lead")
        #expect(promotion.verdict.passed && !promotion.forced)
        #expect(try await lab.registry.championVersion() == strong.run.modelVersion)

        let weaker = try await lab.trainWeak()
        do {
            _ = try await lab.registry.promote(weaker.run.modelVersion, actor: "lead")
            Issue.record("a worse model was promoted: \(weaker.run.evaluation!) vs \(strongMetrics)")
        } catch let refused as ModelRegistry.PromotionRefused {
            let weakerAccuracy = try #require(weaker.run.evaluation?.accuracy)
            #expect(refused.description.contains(String(format: "%.3f", weakerAccuracy))
                && refused.description.contains(String(format: "%.3f", strongMetrics.accuracy))
                && refused.description.contains("margin 0.5 points"), "\(refused)")
        }
        #expect(try await lab.registry.championVersion() == strong.run.modelVersion)
    }

    @Test func aForcedPromotionNeedsAReasonAndIsAudited() async throws {
        let lab = try LifecycleFixture("registry-force")
        let strong = try await lab.trainStrong(evalSet: anchorEval)
        let weak = try await lab.trainWeak()
        await #expect(throws: LifecycleError.self) {
            try await lab.registry.promote(weak.run.modelVersion, forceReason: "  ", actor: "lead")
        }
        #expect(try await lab.registry.championVersion() == strong.run.modelVersion)

        let promotion = try await lab.registry.promote(weak.run.modelVersion, forceReason: "hotfix for a new queue",
                                                       actor: "lead")
        #expect(promotion.forced && !promotion.verdict.passed && promotion.change.action == .forcePromote)
        #expect(try await lab.registry.championVersion() == weak.run.modelVersion)
        let event = try #require(try await lab.audit("model.champion.force-promote").last)
        #expect(event.actor == "lead" && event.target == weak.run.modelVersion)
        #expect(event.details.contains("hotfix for a new queue") && event.details.contains(strong.run.modelVersion))
    }

    @Test func rollbackRestoresThePreviousChampionInOneStep() async throws {
        let lab = try LifecycleFixture("registry-rollback")
        let first = try await lab.trainWeak(evalSet: anchorEval)
        await #expect(throws: LifecycleError.self) { try await lab.registry.rollback(actor: "lead") }
        let second = try await lab.trainStrong()
        _ = try await lab.registry.promote(second.run.modelVersion, actor: "lead")

        let change = try await lab.registry.rollback(actor: "lead", reason: "agents report misroutes")
        #expect(change.previousVersion == second.run.modelVersion && change.version == first.run.modelVersion)
        #expect(try await lab.registry.championVersion() == first.run.modelVersion)
        let event = try #require(try await lab.audit("model.champion.rollback").last)
        #expect(event.actor == "lead" && event.details.contains("agents report misroutes"))
        // The first champion has nothing before it.
        await #expect(throws: LifecycleError.self) { try await lab.registry.rollback(actor: "lead") }
    }

    @Test func aLongLivedLoaderPicksUpTheNewChampionWithoutBeingRecreated() async throws {
        let lab = try LifecycleFixture("registry-loader")
        let weak = try await lab.trainWeak(evalSet: anchorEval)
        let strong = try await lab.trainStrong()
        let loader = RouterLoader(registry: lab.registry)
        let text = "I was charged twice for my subscription this month"
        let embedding = try #require(encoder).encode([text])[0]
        #expect(try await loader.champion().version == weak.run.modelVersion)

        // Another registry over another connection to the same home: as the CLI would, beside a server.
        let other = ModelRegistry(store: try SQLiteStore(home: lab.home), home: lab.home)
        _ = try await other.promote(strong.run.modelVersion, actor: "cli")
        let promoted = try await loader.champion()
        #expect(promoted.version == strong.run.modelVersion)
        #expect(promoted.router.route(text, embedding: embedding) == strong.router.route(text, embedding: embedding))

        _ = try await other.rollback(actor: "cli")
        let restored = try await loader.champion()
        #expect(restored.version == weak.run.modelVersion)
        #expect(restored.router.route(text) == weak.router.route(text))
    }

    @Test func aDifferentEvaluationSetIsRefusedUnlessReFrozenWithAReason() async throws {
        let lab = try LifecycleFixture("registry-freeze")
        let strong = try await lab.trainStrong(evalSet: anchorEval)
        let other = try lab.evalPrefix(30)
        await #expect(throws: LifecycleError.self) { try await lab.trainWeak(evalSet: other) }

        let weak = try await lab.trainWeak(evalSet: other, refreezeReason: "new product area")
        #expect(weak.frozeEvaluationSet && weak.run.evaluation?.n == 30)
        let frozen = try #require(try await lab.store.frozenEvaluationSet(family: ModelRegistry.family))
        #expect(frozen.dataset.sha256 == (try ContentHash.sha256(fileAt: other)))
        // The champion was scored on the new set too, so the gate compares like with like.
        let championOnNewSet = try await lab.store.evaluation(modelVersion: strong.run.modelVersion,
                                                              evaluationSetSHA256: frozen.dataset.sha256)
        #expect(championOnNewSet?.n == 30)
        let event = try #require(try await lab.audit("evalset.refreeze").last)
        #expect(event.details.contains("new product area"))
    }

    @Test func aRunRecordsDataCodeMetricsArtefactAndItsModelCard() async throws {
        let lab = try LifecycleFixture("registry-run")
        let outcome = try await lab.trainStrong(evalSet: anchorEval)
        let run = try #require(try await lab.store.trainingRun(id: outcome.run.id))
        var expected = outcome.run
        expected.startedAt = run.startedAt  // the store keeps milliseconds
        #expect(run == expected && abs(run.startedAt.timeIntervalSince(outcome.run.startedAt)) < 0.001)
        #expect(run.trainingData.sha256 == (try ContentHash.sha256(fileAt: anchorTrain!)) && run.trainingData.examples == 195)
        #expect(run.evaluationSet?.examples == 60 && run.evaluation?.n == 60 && run.validation.n > 0)
        #expect(run.evaluation?.macroF1 != nil && run.evaluation?.abstainRate != nil
            && run.evaluation?.expectedCalibrationError != nil && run.evaluation?.p1Support != nil)
        #expect(run.codeVersion.hasPrefix(CodeVersion.package) && run.parameters["useEmbeddings"] == "true")
        let artefact = URL(fileURLWithPath: run.artifactPath).appendingPathComponent("router.json")
        #expect(try ContentHash.sha256(fileAt: artefact) == run.artifactSHA256)
        #expect(run.durationSeconds > 0)

        let card = try String(contentsOf: ModelCard.url(version: run.modelVersion, home: lab.home), encoding: .utf8)
        #expect(card.contains(run.trainingData.sha256) && card.contains(run.artifactSHA256))
        #expect(card.contains("| frozen evaluation set | 60 |") && card.contains("## Limits")
            && card.contains("## Intended use") && card.contains("localtriage models rollback"))
    }

    @Test func aChangedArtefactIsNeitherLoadedNorPromoted() async throws {
        let lab = try LifecycleFixture("registry-tamper")
        _ = try await lab.trainWeak(evalSet: anchorEval)
        let second = try await lab.trainStrong()
        let file = URL(fileURLWithPath: second.run.artifactPath).appendingPathComponent("router.json")
        var bytes = try Data(contentsOf: file)
        bytes.append(contentsOf: Array(" ".utf8))
        try bytes.write(to: file)
        #expect(throws: LifecycleError.self) { try RouterArtifact.load(second.run.modelVersion, home: lab.home) }
        await #expect(throws: LifecycleError.self) {
            try await lab.registry.promote(second.run.modelVersion, forceReason: "test", actor: "lead")
        }
    }

    @Test func everyChangeIsInTheAuditLogWithActorAndReason() async throws {
        let lab = try LifecycleFixture("registry-audit")
        let weak = try await lab.trainWeak(evalSet: anchorEval, actor: "trainer")
        let strong = try await lab.trainStrong(actor: "trainer")
        _ = try await lab.registry.setChallenger(strong.run.modelVersion, actor: "lead", reason: "shadow week")
        _ = try await lab.registry.promote(strong.run.modelVersion, actor: "lead")
        _ = try await lab.registry.rollback(actor: "oncall", reason: "misroutes")
        _ = try await lab.registry.promote(strong.run.modelVersion, forceReason: "checked by hand", actor: "lead")

        let history = try await lab.registry.history()
        let audited = try await lab.audit("model.").filter { $0.action != "model.train" }
        #expect(history.count == audited.count && history.count == 6)  // initial, challenger, promote, clear, rollback, force
        for (change, event) in zip(history, audited) {
            #expect(event.action == "model.\(change.alias.rawValue).\(change.action.rawValue)")
            #expect(event.actor == change.actor && event.details.contains(change.reason))
        }
        #expect(try await lab.audit("model.train").map(\.target) == [weak.run.modelVersion, strong.run.modelVersion])
        #expect(try await lab.audit("evalset.freeze").count == 1)
        #expect(try await lab.registry.aliases()[.challenger] == nil)  // promoted, so no longer the challenger
    }
}
