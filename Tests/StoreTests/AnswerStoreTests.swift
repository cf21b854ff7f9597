import Domain
import Foundation
import GRDB
import Store
import TestSupport
import Testing

/// The answer library, part of the store contract.
@Suite struct AnswerStoreTests {

    private func example(_ ticket: String, _ x: Float) -> AnswerExample {
        AnswerExample(answerID: "", ticketExternalID: ticket, text: "request \(ticket)", vector: [x, 1 - x], model: "m")
    }

    private func group(_ body: String, _ tickets: [String]) -> NewAnswer {
        NewAnswer(title: "T \(body)", body: body, category: "Billing", withheld: ["We refunded it. — reports what was done"],
                  examples: tickets.enumerated().map { example($1, Float($0) / 10) })
    }

    private let calibration = AnswerCalibration(threshold: 0.8, targetPrecision: 0.9, precision: 0.93, coverage: 0.6,
                                                novelFalseMatchRate: 0.05, n: 40, novel: 40, resolutions: 40, groups: 2, groupingSimilarity: 0.85, model: "m",
                                                minedAt: Date(timeIntervalSince1970: 1_764_000_000))

    @Test(arguments: StoreUnderTest.allCases)
    func minedGroupsBecomeCandidatesAndReMiningExtendsThemOrLeavesRetiredOnesAlone(_ backend: StoreUnderTest) async throws {
        try await backend.with((any StoreBackend).self) { store in
            let first = try await store.saveMinedAnswers([group("Reset it here.", ["A", "B"]), group("Pay here.", ["C", "D"])],
                                                         calibration: calibration, actor: "lead")
            #expect(first == MinedAnswersSummary(created: 2, extended: 0, skippedRetired: 0))
            let saved = try await store.answers(status: .candidate)
            #expect(saved.count == 2 && saved.allSatisfy { $0.examples == 2 && $0.origin == .mined && $0.version == 1 })
            #expect(saved.first?.withheld == ["We refunded it. — reports what was done"])
            #expect(try await store.answerCalibration() == calibration)

            let pay = try #require(saved.first { $0.body == "Pay here." })
            _ = try await store.setAnswerStatus(id: pay.id, to: .retired, actor: "lead", reason: "outdated")
            // A later run: the reset group grew by one ticket, the retired pay group came back, a new group appeared.
            let second = try await store.saveMinedAnswers(
                [group("Reset it there.", ["A", "B", "E"]), group("Pay here!", ["C", "D"]), group("New.", ["F", "G"])],
                calibration: calibration, actor: "lead")
            #expect(second == MinedAnswersSummary(created: 1, extended: 1, skippedRetired: 1))
            let all = try await store.answers(status: nil)
            #expect(all.count == 3)
            #expect(all.first { $0.body == "Reset it here." }?.examples == 3, "the saved answer keeps its text and gains the ticket")
            #expect(try await store.answer(id: pay.id)?.status == .retired)
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func editsNameTheVersionTheyStartFromAndEveryChangeIsAudited(_ backend: StoreUnderTest) async throws {
        try await backend.with((any StoreBackend).self) { store in
            _ = try await store.saveMinedAnswers([group("Reset it here.", ["A", "B"])], calibration: calibration, actor: "lead")
            let answer = try #require(try await store.answers(status: nil).first)
            let edited = try await store.editAnswer(id: answer.id, title: "Reset", body: "Reset it under {{Settings}}.", expectedVersion: 1,
                                                    actor: "key:lead1")
            #expect(edited.version == 2 && edited.body == "Reset it under {{Settings}}.")
            await #expect(throws: StoreError.self) {
                try await store.editAnswer(id: answer.id, title: "Stale", body: "An edit from version 1.", expectedVersion: 1, actor: "key:lead2")
            }
            #expect(try await store.answer(id: answer.id)?.title == "Reset")
            let approved = try await store.setAnswerStatus(id: answer.id, to: .approved, actor: "key:lead1", reason: "reviewed")
            #expect(approved.status == .approved && approved.reviewedBy == "key:lead1")
            let missing = await #expect(throws: StoreError.self) {
                try await store.setAnswerStatus(id: "ans-none", to: .approved, actor: "key:lead1", reason: nil)
            }
            #expect(missing?.code == .notFound)
            let actions = try await store.auditLog(limit: 20).filter { $0.target == answer.id }.map(\.action)
            #expect(Set(actions) == ["answer.propose", "answer.edit", "answer.approve"])
            #expect(try await store.auditLog(limit: 20).contains { $0.action == "answers.mine" })
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func onlyApprovedAnswersExamplesAreMatchedAndUsageComesFromTheLatestVerdicts(_ backend: StoreUnderTest) async throws {
        try await backend.with((any StoreBackend).self) { store in
            _ = try await store.saveMinedAnswers([group("Reset it here.", ["A", "B"]), group("Pay here.", ["C", "D"])],
                                                 calibration: calibration, actor: "lead")
            let answers = try await store.answers(status: nil)
            let reset = try #require(answers.first { $0.body == "Reset it here." })
            let before = try await store.latestChange(.answer)
            _ = try await store.setAnswerStatus(id: reset.id, to: .approved, actor: "lead", reason: nil)
            #expect(try await store.latestChange(.answer) > before)
            let examples = try await store.answerExamples(status: .approved, model: "m")
            #expect(examples.map(\.ticketExternalID) == ["A", "B"] && examples.allSatisfy { $0.answerID == reset.id && $0.vector.count == 2 })
            #expect(try await store.answerExamples(status: .approved, model: "other").isEmpty)

            for (i, verdict) in [DraftFeedback.Verdict.accepted, .edited, .rejected].enumerated() {
                let id = "d\(i)"
                try await store.saveDraft(StoredDraft(id: id, ticketExternalID: nil, kind: "answer", answerID: reset.id, model: nil,
                                                      promptVersion: "draft-v3", text: "Reset it here [1].", grounded: true,
                                                      fallbackReason: nil, details: "{}", createdAt: Date()))
                // A verdict changed later counts once, as the latest.
                try await store.saveFeedback(DraftFeedback(draftID: id, verdict: .rejected, finalText: nil, reason: "first look", editDistance: nil, actor: "a"))
                try await store.saveFeedback(DraftFeedback(draftID: id, verdict: verdict, finalText: verdict == .edited ? "Reset it there." : nil,
                                                           reason: verdict == .rejected ? "wrong" : nil,
                                                           editDistance: verdict == .edited ? 0.25 : nil, actor: "a"))
            }
            let usage = try #require(try await store.answer(id: reset.id)).usage
            #expect(usage == AnswerUsage(drafts: 3, accepted: 1, edited: 1, rejected: 1, meanEditDistance: 0.25))
            #expect(usage.acceptanceRate == 1.0 / 3)
            let analytics = try await store.analytics(days: 30)
            #expect(analytics.draftPaths == [.init(path: "answer", usage: usage)])
            // The verdict totals count one verdict per draft too (the first looks do not add three rejections).
            #expect(analytics.draftVerdicts.map(\.count).reduce(0, +) == 3)
            #expect(Set(analytics.draftVerdicts.map(\.key)) == ["accepted", "edited", "rejected"] && analytics.draftVerdicts.allSatisfy { $0.count == 1 })
            #expect(analytics.meanEditDistance == 0.25)
        }
    }
}
