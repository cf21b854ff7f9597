import Foundation
import Readers
import Routing

/// Tickets read for monitoring: every record's text (empty ones too: they are a data-quality signal), and its
/// category and priority when the file has them.
public struct MonitorRows: Sendable {
    public var texts: [String] = []
    public var categories: [String?] = []
    public var priorities: [String?] = []
    /// Records that could not be read.
    public var malformed = 0

    /// Reads CSV, JSON or JSONL through the ingest readers.
    public init(path: String, textField: String, labelField: String, priorityField: String) throws {
        for result in try RecordReader(path: path).read(path: path) {
            guard let record = try? result.get() else { malformed += 1; continue }
            texts.append(record.fields[textField] ?? "")
            categories.append(record.fields[labelField].flatMap(Self.nonEmpty))
            priorities.append(record.fields[priorityField].flatMap(Self.nonEmpty))
        }
        guard !texts.isEmpty else { throw RecordReaderError("no records in \(path)") }
    }

    public init(texts: [String], categories: [String?], priorities: [String?]) {
        self.texts = texts
        self.categories = categories
        self.priorities = priorities
    }

    /// The categories when every record has one.
    public var allCategories: [String]? { categories.contains(nil) ? nil : categories.map { $0! } }
    public var allPriorities: [String]? { priorities.contains(nil) ? nil : priorities.map { $0! } }

    private static func nonEmpty(_ value: String) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// The router's view of a set of tickets.
public struct RoutedRows: Sendable {
    public var categories: [String]
    public var priorities: [String]?
    public var confidences: [Double]
    public var abstained: [Bool]

    public init(router: Router, texts: [String], embeddings: [[Float]]) {
        let decisions = texts.indices.map {
            router.route(texts[$0], embedding: router.usesEmbeddings ? embeddings[$0] : nil)
        }
        categories = decisions.map(\.suggestedCategory)
        priorities = router.priorityModel == nil ? nil : decisions.map { $0.priority?.rawValue ?? "none" }
        confidences = decisions.map(\.confidence)
        abstained = decisions.map(\.abstained)
    }
}

extension MonitorSample {
    /// A sample from rows, embeddings and (optionally) the router's decisions. Categories and priorities are
    /// the files' own when `labelled`, else the router's predictions.
    public init(_ rows: MonitorRows, embeddings: [[Float]], routed: RoutedRows?, labelled: (categories: Bool, priorities: Bool)) {
        self.init(texts: rows.texts, embeddings: embeddings,
                  categories: labelled.categories ? rows.allCategories : routed?.categories,
                  priorities: labelled.priorities ? rows.allPriorities : routed?.priorities,
                  confidences: routed?.confidences, abstained: routed?.abstained)
    }
}
