import Lifecycle
import Store
import Testing

@Suite struct PromotionGateTests {
    private let champion = ModelMetrics(n: 60, accuracy: 0.800, p1Recall: 0.8, p1Support: 5)

    @Test func refusesAGainBelowTheMarginAndStatesBothNumbersAndTheMargin() {
        let verdict = PromotionGate(margin: 0.005).judge(
            candidate: ModelMetrics(n: 60, accuracy: 0.803, p1Recall: 0.8), champion: champion, evaluationSet: "eval.jsonl")
        #expect(!verdict.passed)
        #expect(verdict.explanation.contains("0.803") && verdict.explanation.contains("0.800")
            && verdict.explanation.contains("margin 0.5 points"))
    }

    @Test func acceptsAGainOfExactlyTheMarginWithP1RecallNotLower() {
        let verdict = PromotionGate(margin: 0.05).judge(
            candidate: ModelMetrics(n: 60, accuracy: 0.85, p1Recall: 0.8), champion: champion, evaluationSet: "e")
        #expect(verdict.passed, "\(verdict.explanation)")
    }

    @Test func refusesALowerP1RecallWhateverTheAccuracy() {
        let verdict = PromotionGate().judge(
            candidate: ModelMetrics(n: 60, accuracy: 0.95, p1Recall: 0.6), champion: champion, evaluationSet: "e")
        #expect(!verdict.passed && verdict.explanation.contains("P1 recall 0.600 is lower than the champion's 0.800"))
    }

    @Test func refusesWithoutMetricsOnTheFrozenSet() {
        #expect(!PromotionGate().judge(candidate: nil, champion: champion, evaluationSet: "e").passed)
        #expect(!PromotionGate().judge(candidate: champion, champion: nil, evaluationSet: "e").passed)
    }
}

@Suite struct ChampionLineageTests {
    private func change(_ version: String?, _ action: AliasAction, alias: ModelAlias = .champion) -> AliasChange {
        AliasChange(family: "router", alias: alias, version: version, previousVersion: nil, action: action, actor: "t",
                    reason: "")
    }

    @Test func rollbackReturnsToTheChampionBeforeTheLastPromotionStillInForce() {
        var history = [change("A", .initial), change("B", .promote), change("X", .assign, alias: .challenger),
                       change("C", .forcePromote)]
        #expect(ChampionLineage.stack(history) == ["A", "B", "C"])
        #expect(ChampionLineage.rollbackTarget(history) == "B")
        history.append(change("B", .rollback))
        #expect(ChampionLineage.rollbackTarget(history) == "A")
        history.append(change("A", .rollback))
        #expect(ChampionLineage.stack(history) == ["A"])
        #expect(ChampionLineage.rollbackTarget(history) == nil)
    }
}
