import Foundation
import Readers
import TestSupport
import Testing

@Suite struct RecordReaderTests {
    private func read(_ text: String, _ format: RecordFormat) throws -> [Result<SourceRecord, MalformedRecord>] {
        try RecordReader(format: format).read(data: Data(text.utf8))
    }

    @Test func csvHandlesQuotesNewlinesAndLineNumbers() throws {
        let csv = "\u{FEFF}id,body\r\n1,\"plain, with comma\"\r\n2,\"two\nlines and \"\"quotes\"\"\"\n3,last\n"
        let records = try read(csv, .csv).map { try $0.get() }
        #expect(records.map(\.line) == [2, 3, 5])
        #expect(records[0].fields == ["id": "1", "body": "plain, with comma"])
        #expect(records[1].fields["body"] == "two\nlines and \"quotes\"")
        #expect(records[2].fields["body"] == "last")
    }

    @Test func csvReportsWrongColumnCountAndBrokenQuotes() throws {
        let csv = "id,body\n1,ok\n2,too,many\n3,\"bad\"tail\n4,\"never closed\n"
        let results = try read(csv, .csv)
        #expect(results.count == 4)
        guard case .failure(let many) = results[1], case .failure(let tail) = results[2],
              case .failure(let open) = results[3] else {
            Issue.record("expected three malformed rows, got \(results)")
            return
        }
        #expect(many.line == 3 && many.reason == "expected 2 fields, found 3")
        #expect(tail.line == 4 && tail.reason.contains("after a closing quote"))
        #expect(open.line == 5 && open.reason.contains("unterminated"))
    }

    @Test func tsvSplitsOnTabs() throws {
        let records = try read("a\tb\nx, y\tz\n", .tsv).map { try $0.get() }
        #expect(records == [SourceRecord(line: 2, fields: ["a": "x, y", "b": "z"], raw: "x, y\tz")])
    }

    @Test func jsonLinesKeepsGoodLinesAndQuarantinesBadOnes() throws {
        let jsonl = "{\"id\": 1, \"tags\": [\"a\", \"b\"], \"ok\": true, \"none\": null}\n\n{broken\n[1,2]\n"
        let results = try read(jsonl, .jsonl)
        #expect(results.count == 3)
        let first = try results[0].get()
        #expect(first.fields == ["id": "1", "tags": "a\nb", "ok": "true"])
        #expect(first.line == 1)
        guard case .failure(let broken) = results[1], case .failure(let array) = results[2] else {
            Issue.record("expected malformed lines")
            return
        }
        #expect(broken.line == 3 && broken.reason == "invalid JSON")
        #expect(array.line == 4 && array.reason == "expected a JSON object")
    }

    @Test func jsonArrayElementsCarryTheirStartLine() throws {
        let json = """
        [
          {"id": "a", "text": "first, with ] and { inside"},
          {"id": "b",
           "text": "second"},
          "not an object"
        ]
        """
        let results = try read(json, .json)
        #expect(results.count == 3)
        #expect(try results[0].get().line == 2)
        #expect(try results[1].get().line == 3)
        #expect(try results[1].get().fields["text"] == "second")
        guard case .failure(let bad) = results[2] else {
            Issue.record("a string element should be malformed")
            return
        }
        #expect(bad.line == 5)
    }

    @Test func jsonObjectWrappingAnArrayIsRead() throws {
        let json = "{\"description\": \"x\", \"samples\": [{\"text\": \"hi\"}, {\"text\": \"there\"}]}"
        let records = try read(json, .json).map { try $0.get() }
        #expect(records.map { $0.fields["text"] } == ["hi", "there"])
    }

    @Test func truncatedJSONArrayQuarantinesItsLastElement() throws {
        let results = try read("[{\"a\": 1},\n{\"a\": 2}", .json)
        #expect(try results[0].get().fields == ["a": "1"])
        guard case .failure(let last) = results[1] else {
            Issue.record("the unterminated tail should be malformed")
            return
        }
        #expect(last.line == 2 && last.reason.contains("ends before"))
    }

    @Test func unreadableInputThrows() {
        #expect(throws: RecordReaderError.self) { try read("{\"a\": 1}", .json) }
        #expect(throws: RecordReaderError.self) { try read("[{\"a\": 1},", .json) }
        #expect(throws: RecordReaderError.self) { try RecordReader(path: "/tmp/x.unknown") }
        #expect(throws: RecordReaderError.self) { try RecordReader(format: .csv).read(path: "/nonexistent/file.csv") }
    }

    @Test(.enabled(if: TestSupport.hasShared("data/bitext/bitext_customer_support.csv")))
    func readsEveryBitextRow() throws {
        let path = TestSupport.sharedFile("data/bitext/bitext_customer_support.csv")!.path
        let results = try RecordReader(path: path).read(path: path)
        let records = results.compactMap { try? $0.get() }
        #expect(records.count == 4514 && results.count == 4514)
        #expect(records.allSatisfy { !($0.fields["instruction"] ?? "").isEmpty && !($0.fields["response"] ?? "").isEmpty })
    }
}
