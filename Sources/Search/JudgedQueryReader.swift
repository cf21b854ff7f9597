import Foundation
import Readers

/// Reads judged queries from JSON/JSONL: an id (`qid`, `id`), the query text (`query`, `text`, `question`) and
/// the relevant document ids (`gold_id`, `relevant_kb_articles`, `relevant`, `relevant_ids`; a list or one id).
public enum JudgedQueryReader {
    public static let idFields = ["qid", "id"]
    public static let textFields = ["query", "text", "question"]
    public static let relevantFields = ["gold_id", "relevant_kb_articles", "relevant", "relevant_ids"]

    public static func read(path: String) throws -> [JudgedQuery] {
        try RecordReader(path: path).read(path: path).enumerated().map { index, result in
            let record = try result.get()
            func value(_ names: [String]) -> String? {
                names.lazy.compactMap { record.fields[$0] }.first { !$0.isEmpty }
            }
            guard let text = value(textFields), let relevant = value(relevantFields) else {
                let missing = value(textFields) == nil ? "query text" : "relevant ids"
                throw RecordReaderError("line \(record.line): no \(missing). A judged query's fields are "
                    + "\(idFields.joined(separator: "/")) (optional), \(textFields.joined(separator: "/")) and "
                    + "\(relevantFields.joined(separator: "/")); this one has "
                    + (record.fields.isEmpty ? "none" : record.fields.keys.sorted().joined(separator: ", ")))
            }
            let ids = relevant.split(whereSeparator: { $0 == "\n" || $0 == "," })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return JudgedQuery(id: value(idFields) ?? "q\(index + 1)", text: text, relevant: Set(ids))
        }
    }
}
