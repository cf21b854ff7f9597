import Foundation
import Ingest
import Readers
import Search
import Store
import TestSupport
import Testing

@Suite(.enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct SearchTunerTests {
    /// A printer's error-code pages: one template, told apart only by codes and part numbers, which a sentence
    /// encoder blurs and BM25 matches exactly.
    static let errorCodes: [[String: String]] = (0..<30).map { i in
        let code = "E\(4101 + i * 7)", part = "PN-\(730 + i * 3)"
        let unit = ["drum unit", "fuser", "toner cartridge", "paper tray roller", "transfer belt"][i % 5]
        let panel = ["front", "rear", "side"][i % 3]
        return ["id": "ERR-\(i)", "title": "Error \(code)",
                "body": """
                    Error \(code) appears when the \(unit) \(part) needs attention. Open the \(panel) panel and \
                    check that \(part) is seated. If the display still shows \(code) after a restart, replace \(part). \
                    Code \(code) is logged with the part number \(part) in the service report.
                    """]
    }

    /// Help articles answering a question in other words than it was asked in, over shared everyday words
    /// (account, settings, app) that keyword search matches in the wrong articles.
    static let paraphrased: [[String: String]] = [
        ("How do I reset my password?", "Forgotten sign-in credentials can be recovered from the login screen of the app. Choose the link under the box and we email a fresh passcode to your account address. The new secret works at once."),
        ("Can I get my money back?", "Refunds go to the original card within five working days. Ask the billing team from the account page and name the order. A partial reimbursement applies to used months."),
        ("Where is my parcel?", "Deliveries usually arrive within three days of dispatch. The courier's tracking link sits in the confirmation email for your account. Remote regions can take a week longer."),
        ("How do I stop my plan?", "Cancelling the subscription happens under settings in the app, on the billing tab. You keep access until the paid period ends and no further charges follow."),
        ("How can I use a different e-mail?", "The address we write to is edited in profile settings. After saving, a confirmation link goes to the new inbox and the old one stops receiving messages for the account."),
        ("How do I turn on two-step login?", "Extra sign-in protection uses a code from an authenticator on your phone. Enable it under security settings in the account page and scan the square barcode shown there."),
        ("Where can I find my bill?", "Invoices for every payment are listed on the billing page of the account. Each one downloads as a PDF with the tax number printed on it."),
        ("How do I close my account forever?", "Permanent removal erases your profile and every file after thirty days. Request it in the privacy section of settings; an email asks you to confirm the erasure."),
        ("My card expired, what now?", "Payment details are replaced on the billing page of the account. Enter the new number and expiry date; the next charge uses the updated method."),
        ("The printer says it is offline", "When the device drops off the network, restart it and the router. Check that the machine and the computer share the same wireless network, then add it again in the app."),
        ("Why is my internet so slow?", "Sluggish connections often come from a crowded channel or an old router firmware. Move closer to the access point, restart the box, and pick another channel in the router settings."),
        ("The app keeps closing by itself", "Sudden exits usually follow an outdated version. Install the latest update from the store, then clear the cache in the phone settings and reopen the program."),
        ("Can I switch the language?", "The interface can show French, German, Spanish and more. Pick one under display settings in the app; menus change after a restart of the program."),
        ("Is there a dark theme?", "A night look with light text on a black background is available. Toggle the appearance option in the app settings, or follow the phone's system choice."),
        ("How do I download all my data?", "A full export of your records arrives as a ZIP archive by email. Request it from the privacy section of the account settings; big archives take a few hours."),
        ("How do I invite a colleague?", "New team members join through an invitation link. Open the members page of the account, type their work address and choose the role they get."),
        ("My storage is full", "When the quota is reached, uploads pause. Delete old files or large videos, empty the bin, or buy extra space on the plan page of the account."),
        ("I get too many alerts", "Notifications are tuned per channel in the app settings. Mute marketing messages, keep security warnings, and set quiet hours for the night."),
        ("My meetings do not show up in my calendar", "Events reach other calendars through the sync connection. Reconnect Google or Outlook under integrations in the account settings and allow access again."),
        ("My phone battery drains fast", "Heavy power use often comes from background refresh and location tracking. Limit both for the app in the phone settings and lower the screen brightness."),
    ].enumerated().map { i, pair in ["id": "HELP-\(i)", "title": pair.0, "body": pair.1] }

    static func store(_ label: String, articles: [[String: String]]) async throws -> (SQLiteStore, URL) {
        let home = try TestSupport.temporaryDirectory(label)
        let file = home.appendingPathComponent("kb.jsonl")
        try write(articles, to: file)
        let store = try SQLiteStore(home: home)
        _ = try await Ingestor(store: store).ingestKnowledgeBase(path: file.path)
        return (store, file)
    }

    static func write(_ articles: [[String: String]], to file: URL) throws {
        let lines = try articles.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    }

    static var tuner: SearchTuner {
        var tuner = SearchTuner()
        tuner.minimumQueries = 20
        tuner.minimumChunks = 10
        return tuner
    }

    @Test func exactTermsDecideSoTheBlendLeansOnKeywords() async throws {
        let encoder = try #require(encoder)
        let (store, _) = try await Self.store("tuner-codes", articles: Self.errorCodes)
        let kb = try await LiveKnowledgeBase(store: store, embedder: encoder, tuner: Self.tuner)
        let settings = try #require(kb.searchSettings)
        #expect(settings.pseudoQueries >= 50)
        #expect(settings.method == "convex")
        #expect(settings.keywordWeight >= 0.6, "candidates: \(settings.candidates)")
    }

    @Test func paraphraseDecidesSoTheBlendLeansOnDense() async throws {
        let encoder = try #require(encoder)
        let (store, _) = try await Self.store("tuner-help", articles: Self.paraphrased)
        let kb = try await LiveKnowledgeBase(store: store, embedder: encoder, tuner: Self.tuner)
        let settings = try #require(kb.searchSettings)
        #expect(settings.pseudoQueries >= 20)
        #expect(settings.method == "rrf" || settings.keywordWeight <= 0.3, "candidates: \(settings.candidates)")
    }

    @Test func theChoiceIsRecordedReusedAndMadeAgainWhenTheKnowledgeBaseChanges() async throws {
        let encoder = try #require(encoder)
        let (store, file) = try await Self.store("tuner-record", articles: Self.errorCodes)
        let kb = try await LiveKnowledgeBase(store: store, embedder: encoder, tuner: Self.tuner)
        let first = try #require(kb.searchSettings)
        #expect(try await store.latestSearchSettings() == first)
        #expect(first.chunks == kb.indexedChunks && first.model == encoder.identity.key)
        #expect(kb.fusion == .convex(keywordWeight: first.keywordWeight))

        // A restart over the same KB reuses the recorded choice (same time stamp: not chosen again).
        let again = try await LiveKnowledgeBase(store: store, embedder: encoder, tuner: Self.tuner)
        #expect(again.searchSettings == first)

        // The KB changes: the rebuilt indexes come with a choice made for the new content, recorded beside the old.
        try Self.write(Self.errorCodes + Self.paraphrased, to: file)
        _ = try await Ingestor(store: store).ingestKnowledgeBase(path: file.path)
        #expect(try await kb.refresh() == false, "waits for the change to settle")
        #expect(try await kb.refresh())
        let second = try #require(kb.searchSettings)
        #expect(second.kbHash != first.kbHash)
        #expect(second.chunks > first.chunks)
        #expect(second.chosenAt >= first.chosenAt)
        #expect(try await store.latestSearchSettings() == second)
        #expect(try await store.searchSettings(kbHash: first.kbHash) == first)

        // A KB under the tuner's minimum keeps the default, recorded with no pseudo-queries.
        let small = try await LiveKnowledgeBase(store: try await Self.store("tuner-small", articles: Self.paraphrased).0,
                                                embedder: encoder)
        #expect(small.searchSettings?.pseudoQueries == 0 && small.fusion == .convex(keywordWeight: 0.25))

        // A fixed fusion is used as given and nothing is chosen.
        let fixed = try await LiveKnowledgeBase(store: store, embedder: encoder, fusion: .reciprocalRank(k: 60))
        #expect(fixed.searchSettings == nil && fixed.fusion == .reciprocalRank(k: 60))
    }
}
