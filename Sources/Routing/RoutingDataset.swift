import Domain
import Foundation
import Readers

/// Reads labelled routing data (CSV, JSON, JSONL) through the ingest readers.
public enum RoutingDataset {
    /// Rows with a text and a category; priority when present. Rows missing either are reported, not guessed.
    public static func read(path: String, textField: String = "text", labelField: String = "category",
                            priorityField: String = "priority") throws -> (examples: [RoutingExample], skipped: Int) {
        var examples: [RoutingExample] = []
        var skipped = 0
        for result in try RecordReader(path: path).read(path: path) {
            guard let record = try? result.get(),
                  let text = record.fields[textField]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty,
                  let label = record.fields[labelField]?.trimmingCharacters(in: .whitespaces), !label.isEmpty else {
                skipped += 1
                continue
            }
            examples.append(RoutingExample(text: text, category: label,
                                           priority: record.fields[priorityField].flatMap(Priority.init(parsing:))))
        }
        return (examples, skipped)
    }
}
