import Domain
import Foundation
import Ingest
import Readers
import Store
import TestSupport
import Testing

@Suite struct IngestorTests {
    private func setUp() throws -> (Ingestor, SQLiteStore, URL) {
        let dir = try TestSupport.temporaryDirectory("ingest")
        let store = try SQLiteStore(home: dir)
        return (Ingestor(store: store, batchSize: 2), store, dir)
    }

    private func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private let csv = """
        ticket_id,subject,body,priority,status,created_at,resolved_at
        T-1,Login fails,"I cannot log in, it says ""invalid"".",P1-Critical,open,2026-10-01T09:00:00Z,
        T-2,Refund,Please refund my order,high,solved,2026-10-02 10:00:00,2026-10-03 10:00:00
        T-3,No body,,low,open,2026-10-02,
        T-4,Bad date,Body here,low,open,yesterday-ish,
        T-5,Bad priority,Body here,P9,open,2026-10-02,
        T-6,Time travel,Body here,P2,closed,2026-10-05,2026-10-01
        T-7,Extra column,Body,P3,open,2026-10-02,,oops
        """

    @Test func csvIngestStoresValidRowsAndQuarantinesTheRestWithLineAndReason() async throws {
        let (ingestor, store, dir) = try setUp()
        let path = try write(csv, "tickets.csv", in: dir)
        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.counts == IngestCounts(read: 7, stored: 2, quarantined: 5))

        let t1 = try #require(try await store.ticket(externalID: "T-1"))
        #expect(t1.priority == .p1 && t1.status == .open && t1.body == "I cannot log in, it says \"invalid\".")
        let t2 = try #require(try await store.ticket(externalID: "T-2"))
        #expect(t2.priority == .p2 && t2.status == .resolved && t2.resolvedAt! > t2.createdAt!)

        let quarantined = try await store.quarantined(source: path, limit: 10)
        #expect(quarantined.map(\.line) == [4, 5, 6, 7, 8])
        let reasons = quarantined.map(\.reason)
        #expect(reasons[0].contains("missing body"))
        #expect(reasons[1].contains("unparseable date 'yesterday-ish'"))
        #expect(reasons[2].contains("unknown priority 'P9'"))
        #expect(reasons[3] == "resolved_at is before created_at")
        #expect(reasons[4] == "expected 7 fields, found 8")
        #expect(quarantined[4].raw == "T-7,Extra column,Body,P3,open,2026-10-02,,oops")
    }

    @Test func reingestingStoresNothingTwiceAndEditedRecordsUpdateInPlace() async throws {
        let (ingestor, store, dir) = try setUp()
        let path = try write(csv, "tickets.csv", in: dir)
        _ = try await ingestor.ingestTickets(path: path)
        let again = try await ingestor.ingestTickets(path: path)
        #expect(again.counts == IngestCounts(read: 7, stored: 0, updated: 0, unchanged: 2, quarantined: 5))

        let edited = csv.replacingOccurrences(of: "Please refund my order", with: "Please refund order 1234")
        _ = try write(edited, "tickets.csv", in: dir)
        let third = try await ingestor.ingestTickets(path: path)
        #expect(third.counts.updated == 1 && third.counts.unchanged == 1 && third.counts.stored == 0)
        #expect(try await store.ticket(externalID: "T-2")?.body == "Please refund order 1234")
        #expect(try await store.counts().tickets == 2)
        #expect(try await store.quarantined(source: nil, limit: 100).count == 5)  // not duplicated either
    }

    @Test func jsonJsonlAndTsvCarryTheSameTickets() async throws {
        let (ingestor, store, dir) = try setUp()
        let json = try write("""
            [{"id": "J-1", "text": "Card declined", "priority": "urgent", "tags": ["a"]},
             {"id": "J-2", "text": ""}]
            """, "a.json", in: dir)
        let jsonl = try write("""
            {"id": "L-1", "message": "App crashes on start", "language": "de"}
            not json at all
            """, "b.jsonl", in: dir)
        let tsv = try write("id\tdescription\tlanguage\nV-1\tCannot export\tenglish please\n", "c.tsv", in: dir)
        let reports = [
            try await ingestor.ingestTickets(path: json),
            try await ingestor.ingestTickets(path: jsonl),
            try await ingestor.ingestTickets(path: tsv),
        ]
        #expect(reports.map(\.counts.stored) == [1, 1, 0])
        #expect(reports.map(\.counts.quarantined) == [1, 1, 1])
        #expect(try await store.ticket(externalID: "J-1")?.priority == .p1)
        #expect(try await store.ticket(externalID: "J-1")?.extra == ["tags": "a"])
        #expect(try await store.ticket(externalID: "L-1")?.language == "de")
        let reasons = try await store.quarantined(source: nil, limit: 10).map { "\($0.line): \($0.reason)" }.sorted()
        #expect(reasons == ["2: 'english please' is not a language tag such as en or pt-BR", "2: invalid JSON",
                            "2: missing body (column 'text')"])
    }

    @Test func fieldMappingsFromFlagsAndFiles() async throws {
        let (ingestor, store, dir) = try setUp()
        let path = try write("""
            Ticket ID,Description,Urgency,Opened,Queue,instruction
            X-1,Printer on fire,Critical,2026-10-03 14:22:00,Technical,ignored
            """, "mapped.csv", in: dir)
        let mappingFile = try write(#"{"external_id": "Ticket ID", "priority": "Urgency"}"#, "map.json", in: dir)
        let mapping = try FieldMapping(contentsOf: URL(fileURLWithPath: mappingFile))
            .merging(try FieldMapping(pairs: ["body=Description", "category=Queue"]))
        _ = try await ingestor.ingestTickets(path: path, mapping: mapping)
        let ticket = try #require(try await store.ticket(externalID: "X-1"))
        #expect(ticket.body == "Printer on fire" && ticket.priority == .p1 && ticket.category == "Technical")
        #expect(ticket.createdAt == DateParser().parse("2026-10-03T14:22:00Z"))
        #expect(ticket.extra == ["instruction": "ignored"])
        #expect(throws: MappingError.self) { try FieldMapping(pairs: ["bodyy=x"]) }
        #expect(throws: MappingError.self) { try FieldMapping(pairs: ["body"]) }
    }

    @Test func recordsWithoutIdsGetStableDistinctIds() async throws {
        let (ingestor, store, dir) = try setUp()
        let path = try write("text,category\nsame words,a\nsame words,b\nother,c\n", "noid.csv", in: dir)
        let first = try await ingestor.ingestTickets(path: path)
        #expect(first.counts.stored == 3)
        let again = try await ingestor.ingestTickets(path: path)
        #expect(again.counts.unchanged == 3 && again.counts.stored == 0)
        #expect(try await store.counts().tickets == 3)
    }

    @Test func anInterruptedIngestResumesAfterItsLastBatchWithoutDuplicates() async throws {
        let (ingestor, store, dir) = try setUp()
        let rows = (1...9).map { "R-\($0),body \($0)" }.joined(separator: "\n")
        let path = try write("id,body\n" + rows + "\n", "resume.csv", in: dir)
        // Simulate a run killed after its second batch: begin it and commit 4 records by hand.
        let hash = ContentHash.sha256(try ContentHash.sha256(fileAt: URL(fileURLWithPath: path)) + "|")
        let run = try await store.beginIngest(kind: .tickets, source: path, sourceHash: hash)
        let committed = (1...4).map { Ticket(externalID: "R-\($0)", body: "body \($0)") }
        try await store.commit(IngestBatch(runID: run.id, position: 4, read: 4, tickets: committed))

        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.runID == run.id && report.resumedFrom == 4)
        #expect(report.counts == IngestCounts(read: 9, stored: 9))
        #expect(try await store.counts().tickets == 9)
    }

    @Test func knowledgeBaseFoldersWithFrontMatterAreChunkedAndVersioned() async throws {
        let (ingestor, store, dir) = try setUp()
        let kb = dir.appendingPathComponent("kb")
        _ = try write("""
            ---
            id: KB-1
            title: "Reset your password"
            category: Account
            tags: [password, login]
            updated: 2026-09-14
            ---
            # Reset your password

            Open the login page and click Forgot password.
            """, "kb/account/reset.md", in: dir)
        _ = try write("""
            ---
            tags:
              - refund
              - billing
            ---
            # Refund policy

            Refunds take five business days.
            """, "kb/billing/refunds.md", in: dir)
        _ = try write("---\ntitle: Broken\nthis line is wrong\n---\nBody", "kb/broken.md", in: dir)
        _ = try write("---\ntitle: Empty\n---\n", "kb/empty.md", in: dir)

        let report = try await ingestor.ingestKnowledgeBase(path: kb.path)
        #expect(report.counts == IngestCounts(read: 4, stored: 2, quarantined: 2))
        let reset = try #require(try await store.article(externalID: "KB-1"))
        #expect(reset.article.title == "Reset your password" && reset.article.tags == ["password", "login"])
        #expect(reset.article.category == "Account" && reset.version == 1)
        let refunds = try #require(try await store.article(externalID: "billing/refunds"))
        #expect(refunds.article.title == "Refund policy" && refunds.article.tags == ["refund", "billing"])
        let broken = try await store.quarantined(source: kb.appendingPathComponent("broken.md").path, limit: 5)
        #expect(broken.first?.line == 3 && broken.first?.reason == "front matter line is not 'key: value'")

        let chunks = try await store.chunks(articleExternalID: "KB-1")
        let body = Array(reset.article.body.unicodeScalars)
        for chunk in chunks {
            #expect(String(String.UnicodeScalarView(body[chunk.start..<chunk.end])) == chunk.text)
        }

        let again = try await ingestor.ingestKnowledgeBase(path: kb.path)
        #expect(again.counts.unchanged == 2 && again.counts.stored == 0)
        _ = try write("---\nid: KB-1\ntitle: Reset your password\n---\nNew steps.", "kb/account/reset.md", in: dir)
        try FileManager.default.removeItem(at: kb.appendingPathComponent("broken.md"))
        let edited = try await ingestor.ingestKnowledgeBase(path: kb.path)
        #expect(edited.counts.updated == 1 && edited.counts.quarantined == 1)
        #expect(try await store.quarantined(source: nil, limit: 10).map(\.source) == [kb.appendingPathComponent("empty.md").path])
        #expect(try await store.article(externalID: "KB-1")?.version == 2)
    }

    @Test func anUnreadableFileIsAnErrorNotAQuarantine() async throws {
        let (ingestor, _, dir) = try setUp()
        await #expect(throws: RecordReaderError.self) {
            try await ingestor.ingestTickets(path: dir.appendingPathComponent("missing.csv").path)
        }
        let notJSON = try write("{ this is not json", "bad.json", in: dir)
        await #expect(throws: RecordReaderError.self) { try await ingestor.ingestTickets(path: notJSON) }
    }
}
