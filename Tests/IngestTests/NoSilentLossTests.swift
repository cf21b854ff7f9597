import Domain
import Foundation
import Ingest
import Readers
import Store
import TestSupport
import Testing

/// Issue 15, items 6–13 and 15: every record read is stored, updated or quarantined — never lost, never merged —
/// the counts add up, and encodings are detected or refused with a reason.
@Suite struct NoSilentLossTests {
    private func setUp() throws -> (Ingestor, SQLiteStore, URL) {
        let dir = try TestSupport.temporaryDirectory("ingest-loss")
        let store = try SQLiteStore(home: dir)
        return (Ingestor(store: store, batchSize: 2), store, dir)
    }

    @discardableResult
    private func write(_ bytes: [UInt8], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    private func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        try write(Array(text.utf8), name, in: dir)
    }

    /// Every record read is accounted for exactly once.
    private func expectCountsAddUp(_ report: IngestReport, sourceLocation: SourceLocation = #_sourceLocation) {
        let c = report.counts
        #expect(c.read == c.stored + c.updated + c.unchanged + c.quarantined, "\(c)", sourceLocation: sourceLocation)
    }

    // MARK: 6. Line endings

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEndingReadsTheSameRecords(_ end: String) async throws {
        let csv = ["id,subject,body", "A-1,Login,\"two\(end)lines\"", "A-2,Refund,plain", "A-3,,\"x, y\""]
            .joined(separator: end) + end
        let records = try RecordReader(format: .csv).read(data: Data(csv.utf8)).map { try $0.get() }
        #expect(records.map(\.line) == [2, 4, 5])
        #expect(records.map { $0.fields["id"] } == ["A-1", "A-2", "A-3"])
        #expect(records[0].fields["body"] == "two\(end)lines" && records[2].fields["body"] == "x, y")
        #expect(records[1].raw == "A-2,Refund,plain")
        let tsv = ["id\tbody", "B-1\tone", "B-2\ttwo"].joined(separator: end)
        #expect(try RecordReader(format: .tsv).read(data: Data(tsv.utf8)).map { try $0.get().fields["id"] } == ["B-1", "B-2"])
        let jsonl = [#"{"id": "C-1", "body": "one"}"#, #"{"id": "C-2", "body": "two"}"#].joined(separator: end)
        let lines = try RecordReader(format: .jsonl).read(data: Data(jsonl.utf8)).map { try $0.get() }
        #expect(lines.map(\.line) == [1, 2] && lines.map { $0.fields["id"] } == ["C-1", "C-2"])

        let (ingestor, store, dir) = try setUp()
        let report = try await ingestor.ingestTickets(path: try write(csv, "mac.csv", in: dir))
        #expect(report.counts == IngestCounts(read: 3, stored: 3))
        #expect(try await store.ticket(externalID: "A-3")?.body == "x, y")
    }

    // MARK: 7. Quarantine keyed by record

    @Test func badRecordsSharingALineEachGetTheirOwnQuarantineEntry() async throws {
        let (ingestor, store, dir) = try setUp()
        // Minified: every element on line 1; three invalid for different reasons, one valid.
        let json = #"[{"id":"M-1","text":""},{"id":"M-2","text":"ok","priority":"P9"},{"id":"M-3","text":"fine"},"#
            + #"{"id":"M-4","text":"x","created_at":"someday"},42]"#
        let path = try write(json, "minified.json", in: dir)
        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.counts == IngestCounts(read: 5, stored: 1, quarantined: 4))
        expectCountsAddUp(report)
        let entries = try await store.quarantined(source: path, limit: 10)
        #expect(entries.count == 4 && Set(entries.map(\.record)).count == 4 && entries.allSatisfy { $0.line == 1 })
        // Each entry's reason belongs to its own raw text.
        for entry in entries {
            switch entry.raw {
            case let raw where raw.contains("M-1"): #expect(entry.reason.contains("missing body"))
            case let raw where raw.contains("M-2"): #expect(entry.reason.contains("unknown priority 'P9'"))
            case let raw where raw.contains("M-4"): #expect(entry.reason.contains("unparseable date 'someday'"))
            case "42": #expect(entry.reason == "invalid JSON")
            default: Issue.record("unexpected entry \(entry)")
            }
        }
        // Re-ingesting the same file keeps one entry per record.
        let again = try await ingestor.ingestTickets(path: path)
        #expect(again.counts == IngestCounts(read: 5, unchanged: 1, quarantined: 4))
        #expect(try await store.quarantined(source: nil, limit: 100).count == 4)
    }

    // MARK: 8. NUL characters

    @Test func recordsHoldingANulCharacterAreQuarantinedInEveryFieldAndFormat() async throws {
        let (ingestor, store, dir) = try setUp()
        let csv = try write("id,body,note\nN-1,cut\u{0}here,\nN-2,fine,extra\u{0}\nN\u{0}3,fine,\nN-4,kept whole,\n",
                            "nul.csv", in: dir)
        let report = try await ingestor.ingestTickets(path: csv)
        #expect(report.counts == IngestCounts(read: 4, stored: 1, quarantined: 3))
        let reasons = try await store.quarantined(source: csv, limit: 10).map(\.reason)
        #expect(reasons.count == 3 && reasons.allSatisfy { $0.contains("NUL character") })
        #expect(try await store.ticket(externalID: "N-1") == nil)
        #expect(try await store.ticket(externalID: "N") == nil)
        #expect(try await store.ticket(externalID: "N-4")?.body == "kept whole")

        let jsonl = try write(#"{"id": "J-1", "body": "a\u0000b"}"# + "\n" + #"{"id": "J-2", "body": "ok"}"#, "nul.jsonl", in: dir)
        #expect(try await ingestor.ingestTickets(path: jsonl).counts == IngestCounts(read: 2, stored: 1, quarantined: 1))
        let kb = dir.appendingPathComponent("kb")
        try write("---\nid: K-1\ntitle: T\n---\nbody with \u{0} inside", "kb/a.md", in: dir)
        try write("---\nid: K-2\ntitle: T\n---\nclean body", "kb/b.md", in: dir)
        let articles = try await ingestor.ingestKnowledgeBase(path: kb.path)
        #expect(articles.counts == IngestCounts(read: 2, stored: 1, quarantined: 1))
        #expect(try await store.article(externalID: "K-1") == nil)

        // The store itself refuses such text rather than keeping it cut short.
        await #expect(throws: StoreError.self) {
            try await store.upsertTicket(Ticket(externalID: "S-1", body: "before\u{0}after"), actor: "test")
        }
        await #expect(throws: StoreError.self) {
            try await store.upsertTicket(Ticket(externalID: "S\u{0}2", body: "body"), actor: "test")
        }
        #expect(try await store.ticket(externalID: "S-1") == nil)
        #expect(try await store.ticket(externalID: "S") == nil)
    }

    // MARK: 9. One unreadable file in a KB folder

    @Test func anUnreadableFileInAKnowledgeBaseFolderIsQuarantinedByNameAndTheRestIngested() async throws {
        let (ingestor, store, dir) = try setUp()
        let kb = dir.appendingPathComponent("kb")
        try write("---\nid: G-1\ntitle: Good\n---\nA good article.", "kb/good.md", in: dir)
        let bad = try write("{ not json", "kb/broken.json", in: dir)
        let notRecords = try write(#"{"description": "no array here"}"#, "kb/sub/meta.json", in: dir)
        try write(#"[{"id": "G-2", "title": "From JSON", "body": "Also good."}]"#, "kb/z.json", in: dir)
        let report = try await ingestor.ingestKnowledgeBase(path: kb.path)
        #expect(report.counts == IngestCounts(read: 4, stored: 2, quarantined: 2))
        expectCountsAddUp(report)
        #expect(try await store.article(externalID: "G-1") != nil)
        #expect(try await store.article(externalID: "G-2") != nil)
        for path in [bad, notRecords] {
            let entry = try #require(try await store.quarantined(source: path, limit: 5).first)
            #expect(entry.reason.hasPrefix("cannot read the file: "))
        }
        // A single unreadable file given on its own is still an error.
        await #expect(throws: RecordReaderError.self) { try await ingestor.ingestKnowledgeBase(path: bad) }
    }

    // MARK: 10. CRLF Markdown

    @Test(arguments: ["\r\n", "\r"])
    func markdownWithWindowsOrOldMacLineEndsKeepsItsFrontMatter(_ end: String) async throws {
        let (ingestor, store, dir) = try setUp()
        let text = ["---", "id: W-1", "title: \"Windows article\"", "tags: [a, b]", "---", "# Heading", "", "Body text."]
            .joined(separator: end)
        let kb = dir.appendingPathComponent("kb")
        try write(text, "kb/windows-file.md", in: dir)
        let report = try await ingestor.ingestKnowledgeBase(path: kb.path)
        #expect(report.counts == IngestCounts(read: 1, stored: 1))
        let stored = try #require(try await store.article(externalID: "W-1"))
        #expect(stored.article.title == "Windows article" && stored.article.tags == ["a", "b"])
        #expect(!stored.article.body.contains("\r") && stored.article.body.hasPrefix("# Heading"))
        #expect(try await store.article(externalID: "windows-file") == nil)
    }

    // MARK: 11. Duplicate ids in one input

    @Test func aRepeatedIdInOneFileIsQuarantinedAsADuplicateAndReingestingIsUnchanged() async throws {
        let (ingestor, store, dir) = try setUp()
        let path = try write("id,body\nD-1,first\nD-2,other\nD-1,second\nD-1,first\n", "dups.csv", in: dir)
        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.counts == IngestCounts(read: 4, stored: 2, quarantined: 2))
        #expect(try await store.ticket(externalID: "D-1")?.body == "first")
        let entries = try await store.quarantined(source: path, limit: 10)
        #expect(entries.map(\.line) == [4, 5])
        #expect(entries.allSatisfy { $0.reason.contains("duplicate external id 'D-1'") && $0.reason.contains("line 2") })
        let again = try await ingestor.ingestTickets(path: path)
        #expect(again.counts == IngestCounts(read: 4, unchanged: 2, quarantined: 2))
        expectCountsAddUp(again)
    }

    @Test func aRepeatedArticleIdInAFolderIsADuplicateAndVersionsStayPut() async throws {
        let (ingestor, store, dir) = try setUp()
        let kb = dir.appendingPathComponent("kb")
        try write("---\nid: KB-1\ntitle: One\n---\nThe first text.", "kb/a.md", in: dir)
        try write("---\nid: KB-1\ntitle: One again\n---\nA different text.", "kb/b.md", in: dir)
        try write(#"{"id": "KB-2", "title": "T", "body": "x"}"# + "\n" + #"{"id": "KB-2", "title": "T", "body": "y"}"#,
                  "kb/c.jsonl", in: dir)
        for run in 1...3 {
            let report = try await ingestor.ingestKnowledgeBase(path: kb.path)
            #expect(report.counts == (run == 1 ? IngestCounts(read: 4, stored: 2, quarantined: 2)
                                                : IngestCounts(read: 4, unchanged: 2, quarantined: 2)))
            #expect(try await store.article(externalID: "KB-1")?.version == 1)
            #expect(try await store.article(externalID: "KB-1")?.article.body == "The first text.")
            #expect(try await store.article(externalID: "KB-2")?.article.body == "x")
        }
        let duplicate = try #require(try await store.quarantined(source: kb.appendingPathComponent("b.md").path, limit: 5).first)
        #expect(duplicate.reason.contains("duplicate article id 'KB-1'") && duplicate.reason.contains("a.md"))
    }

    // MARK: 13. Encodings, empty files, unterminated quotes

    @Test func latin1AndWindows1252AreDecodedWithANote() async throws {
        let (ingestor, store, dir) = try setUp()
        // "café" in Latin-1, Windows-1252 curly quotes and euro sign, and a line of valid UTF-8 in the same file.
        let bytes: [UInt8] = Array("id,body\nL-1,caf".utf8) + [0xE9] + Array("\nL-2,".utf8) + [0x93] + Array("quoted".utf8)
            + [0x94, 0x20, 0x80] + Array("\nL-3,déjà vu\n".utf8)
        let path = try write(bytes, "latin1.csv", in: dir)
        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.counts == IngestCounts(read: 3, stored: 3))
        #expect(try await store.ticket(externalID: "L-1")?.body == "café")
        #expect(try await store.ticket(externalID: "L-2")?.body == "\u{201C}quoted\u{201D} €")
        #expect(try await store.ticket(externalID: "L-3")?.body == "déjà vu")
        #expect(report.notes.count == 1 && report.notes[0].contains("Windows-1252") && report.notes[0].contains("line 2"))
        for ticket in ["L-1", "L-2", "L-3"] {
            #expect(try await store.ticket(externalID: ticket)?.body.contains("\u{FFFD}") == false)
        }
        // UTF-16 with a byte-order mark is converted too.
        let units: [UInt8] = "id,body\nU-1,naïve\n".utf16.flatMap { (unit: UInt16) -> [UInt8] in
            [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        let utf16: [UInt8] = [0xFF, 0xFE] + units
        let wide = try await ingestor.ingestTickets(path: try write(utf16, "wide.csv", in: dir))
        #expect(wide.counts.stored == 1 && wide.notes == ["decoded as UTF-16LE (byte-order mark)"])
        #expect(try await store.ticket(externalID: "U-1")?.body == "naïve")
    }

    @Test(arguments: RecordFormat.allCases)
    func anEmptyFileFailsClearly(_ format: RecordFormat) async throws {
        let (ingestor, _, dir) = try setUp()
        for (index, content) in ["", "\n\n", "  \r\n\t"].enumerated() {
            let path = try write(content, "empty\(index).\(format.rawValue)", in: dir)
            await #expect {
                try await ingestor.ingestTickets(path: path)
            } throws: { error in
                (error as? RecordReaderError)?.description.contains("empty") == true
            }
        }
    }

    @Test func anUnterminatedQuoteIsOneBadRecordAndTheRestIsRead() async throws {
        let (ingestor, store, dir) = try setUp()
        for end in ["\n", "\r\n", "\r"] {
            let csv = ["id,body", "Q-1,fine", "Q-2,\"never closed", "Q-3,after", "Q-4,\"multi", "line\"", "Q-5,last"]
                .joined(separator: end)
            let results = try RecordReader(format: .csv).read(data: Data(csv.utf8))
            #expect(results.count == 5, "\(results)")
            guard case .failure(let bad) = results[1] else {
                Issue.record("expected the unterminated record to be malformed")
                continue
            }
            #expect(bad.line == 3 && bad.raw == "Q-2,\"never closed" && bad.reason.contains("unterminated"))
            // The records after it are read, with their own lines (a quoted field over two lines still works).
            #expect(results.compactMap { try? $0.get().fields["id"] } == ["Q-1", "Q-3", "Q-4", "Q-5"])
            #expect(results.compactMap { try? $0.get().line } == [2, 4, 5, 7])
            #expect(try results[3].get().fields["body"] == "multi\(end)line")
        }
        let path = try write("id,body\nQ-1,fine\nQ-2,\"open\nQ-3,after\n", "quote.csv", in: dir)
        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.counts == IngestCounts(read: 3, stored: 2, quarantined: 1))
        #expect(try await store.ticket(externalID: "Q-3")?.body == "after")
    }

    // MARK: 15. Unnamed header columns, empty article bodies

    @Test func unnamedHeaderColumnsAreIgnoredWithANoteAndTheirValuesKept() async throws {
        let (ingestor, store, dir) = try setUp()
        let path = try write("text,label,\nfirst ticket,a,\nsecond ticket,b,see notes\n", "notes.csv", in: dir)
        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.counts == IngestCounts(read: 2, stored: 2))
        #expect(report.notes == ["header column 3 has no name: ignored (any value in it is kept as 'column 3')"])
        let tickets = try await store.tickets(TicketQuery(limit: 10))
        // `label` feeds the category; the unnamed column's one value is kept as an extra.
        #expect(Set(tickets.map(\.ticket.category)) == ["a", "b"])
        #expect(Set(tickets.map(\.ticket.extra)) == [[:], ["column 3": "see notes"]])
        // A header naming nothing at all is refused, by the reader rather than the store.
        let nameless = try write(",,\n1,2,3\n", "nameless.csv", in: dir)
        await #expect {
            try await ingestor.ingestTickets(path: nameless)
        } throws: { error in
            (error as? RecordReaderError)?.description.contains("no column names") == true
        }
    }

    @Test func articlesWithAnEmptyBodyAreQuarantinedWithAReason() async throws {
        let (ingestor, store, dir) = try setUp()
        let kb = dir.appendingPathComponent("kb")
        try write("---\nid: E-1\ntitle: Front matter only\n---\n", "kb/a.md", in: dir)
        try write("---\nid: E-2\ntitle: Blank lines\n---\n\n   \n", "kb/b.md", in: dir)
        try write("", "kb/c.md", in: dir)
        try write(#"[{"id": "E-4", "title": "t", "body": ""}, {"id": "E-5", "title": "t", "body": null},"#
                  + #" {"id": "E-6", "title": "t", "body": "real"}]"#, "kb/d.json", in: dir)
        try write(#"{"id": "E-7", "title": "t", "content": "   "}"#, "kb/e.jsonl", in: dir)
        let report = try await ingestor.ingestKnowledgeBase(path: kb.path)
        #expect(report.counts == IngestCounts(read: 7, stored: 1, quarantined: 6))
        let entries = try await store.quarantined(source: nil, limit: 20)
        #expect(entries.count == 6 && entries.allSatisfy { $0.reason.contains("empty body") }, "\(entries)")
        #expect(try await store.article(externalID: "E-6") != nil)
    }
}
