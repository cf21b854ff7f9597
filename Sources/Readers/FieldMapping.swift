import Foundation

/// The ticket fields LocalTriage stores, by their canonical names.
public enum TicketField: String, CaseIterable, Sendable, Codable {
    case externalID = "external_id", subject, body, customer, channel, language, category, priority, status
    case createdAt = "created_at", resolvedAt = "resolved_at", resolution

    /// Column names recognised without a mapping, in order of preference (compared case- and
    /// punctuation-insensitively).
    var aliases: [String] {
        switch self {
        case .externalID: ["external_id", "ticket_id", "id", "ticket", "ticket_number", "number", "key"]
        case .subject: ["subject", "title", "summary"]
        case .body: ["body", "description", "text", "message", "content", "question", "query"]
        case .customer: ["customer", "customer_email", "requester", "email", "customer_id", "user"]
        case .channel: ["channel", "via", "source"]
        case .language: ["language", "lang", "locale"]
        case .category: ["category", "queue", "label"]
        case .priority: ["priority", "urgency", "severity"]
        case .status: ["status", "state"]
        case .createdAt: ["created_at", "created", "opened", "opened_at", "submitted_at", "date", "timestamp"]
        case .resolvedAt: ["resolved_at", "resolved", "solved_at", "closed_at"]
        case .resolution: ["resolution", "response", "answer", "reply", "agent_response"]
        }
    }
}

/// Which source column feeds which ticket field. Fields not mapped explicitly fall back to well-known column
/// names (`ticket_id`, `description`, `urgency`...); columns that feed no field are kept as the ticket's extras.
public struct FieldMapping: Sendable, Equatable {
    public var columns: [TicketField: String]

    public init(columns: [TicketField: String] = [:]) {
        self.columns = columns
    }

    /// Parses `field=column` pairs (as given to `--map`).
    public init(pairs: [String]) throws {
        var columns: [TicketField: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[1].isEmpty else {
                throw MappingError("'\(pair)' is not field=column")
            }
            columns[try Self.field(named: parts[0])] = parts[1]
        }
        self.columns = columns
    }

    /// Reads a JSON object of `{"field": "column"}`.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: String] else {
            throw MappingError("\(url.path) must be a JSON object of field names to column names")
        }
        var columns: [TicketField: String] = [:]
        for (name, column) in object { columns[try Self.field(named: name)] = column }
        self.columns = columns
    }

    /// This mapping with `other`'s entries taking precedence.
    public func merging(_ other: FieldMapping) -> FieldMapping {
        FieldMapping(columns: columns.merging(other.columns) { _, new in new })
    }

    private static func field(named name: String) throws -> TicketField {
        guard let field = TicketField(rawValue: name) else {
            let known = TicketField.allCases.map(\.rawValue).joined(separator: ", ")
            throw MappingError("unknown ticket field '\(name)'; fields are: \(known)")
        }
        return field
    }

    /// Which column feeds each ticket field, for records with these column names.
    public func plan(for keys: some Collection<String>) -> [TicketField: String] {
        let byKey = Dictionary(keys.map { (Self.normalise($0), $0) }, uniquingKeysWith: { first, _ in first })
        let explicit = Set(columns.values)
        var plan: [TicketField: String] = [:]
        var used = Set<String>()
        for field in TicketField.allCases {
            let column: String?
            if let wanted = columns[field] {
                column = keys.contains(wanted) ? wanted : byKey[Self.normalise(wanted)]
            } else {
                column = field.aliases.lazy.compactMap { byKey[Self.normalise($0)] }
                    .first { !used.contains($0) && !explicit.contains($0) }
            }
            guard let column else { continue }
            used.insert(column)
            plan[field] = column
        }
        return plan
    }

    static func normalise(_ name: String) -> String {
        name.lowercased().filter { $0.isLetter || $0.isNumber }
    }
}

/// A field mapping that cannot be used, with a message for people.
public struct MappingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
