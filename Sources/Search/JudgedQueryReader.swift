import Foundation
import Ingest

/// Reads judged queries from JSON/JSONL: an id (`qid`, `id`), the query text (`query`, `text`, `question`) and
/// the relevant document ids (`gold_id`, `relevant_kb_articles`, `relevant`; a list or one id).
public enum JudgedQueryReader {
    public static func read(path: String) throws -> [JudgedQuery] {
        try RecordReader(path: path).read(path: path).enumerated().map { index, result in
            let record = try result.get()
            func value(_ names: String...) -> String? {
                names.lazy.compactMap { record.fields[$0] }.first { !$0.isEmpty }
            }
            guard let text = value("query", "text", "question"),
                  let relevant = value("gold_id", "relevant_kb_articles", "relevant", "relevant_ids") else {
                throw RecordReaderError("line \(record.line): a judged query needs query text and relevant ids")
            }
            let ids = relevant.split(whereSeparator: { $0 == "\n" || $0 == "," })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return JudgedQuery(id: value("qid", "id") ?? "q\(index + 1)", text: text, relevant: Set(ids))
        }
    }
}
