import Domain
import Foundation

/// Turns a source record into a `Ticket`, or says why it cannot be stored.
///
/// Checks: a body is present; lengths are bounded; dates parse and are in order; priority, status and language
/// are recognised. Records without an id column get a stable id derived from their content: `idPrefix`, a digest
/// of subject and body, and `-2`, `-3`... for repeats of the same content.
public struct TicketValidator: Sendable {
    public var mapping: FieldMapping
    public var maxBodyLength = 100_000
    public var maxFieldLength = 1_000
    /// Prefix of ids derived from content when the source has no id column (the ingestor uses the file name).
    public var idPrefix = "h-"
    private let dates = DateParser()

    public init(mapping: FieldMapping = FieldMapping()) {
        self.mapping = mapping
    }

    /// The validated ticket, or a reason for quarantine. `occurrence` numbers identical contents seen before in
    /// the same source so that derived ids stay distinct and stable.
    public func validate(_ record: SourceRecord, occurrence: (String) -> Int) -> Result<Ticket, InvalidRecord> {
        validate(record, plan: mapping.plan(for: record.fields.keys), occurrence: occurrence)
    }

    /// Validates with a column plan computed once for records sharing the same columns (a CSV file's header).
    public func validate(_ record: SourceRecord, plan: [TicketField: String],
                  occurrence: (String) -> Int) -> Result<Ticket, InvalidRecord> {
        var values: [TicketField: (column: String, value: String)] = [:]
        for (field, column) in plan {
            if let value = record.fields[column] { values[field] = (column, value) }
        }
        let mapped = Set(plan.values)
        let extra = record.fields.filter { !mapped.contains($0.key) }
        func text(_ field: TicketField) -> String? {
            guard let value = values[field]?.value.trimmingCharacters(in: .whitespacesAndNewlines),
                  !value.isEmpty, value.lowercased() != "null" else { return nil }
            return value
        }
        func fail(_ reason: String) -> Result<Ticket, InvalidRecord> { .failure(InvalidRecord(reason)) }
        func column(_ field: TicketField) -> String { values[field]?.column ?? mapping.columns[field] ?? field.rawValue }
        if let column = record.fields.keys.sorted().first(where: { $0.containsNUL || record.fields[$0]!.containsNUL }) {
            return fail(Self.nulReason(column))
        }

        guard let body = text(.body) else {
            return fail("missing body (column '\(column(.body))')")
        }
        if body.count > maxBodyLength {
            return fail("body is \(body.count) characters, over the limit of \(maxBodyLength)")
        }
        for field in [TicketField.externalID, .subject, .customer, .channel, .language, .category, .status] {
            if let value = text(field), value.count > maxFieldLength {
                return fail("\(field.rawValue) is \(value.count) characters, over the limit of \(maxFieldLength)")
            }
        }
        let subject = text(.subject)

        let externalID: String
        if let id = text(.externalID) {
            externalID = id
        } else if values[.externalID] != nil {
            return fail("missing external_id (column '\(column(.externalID))')")
        } else {
            let digest = String(ContentHash.sha256((subject ?? "") + "\u{1F}" + body).prefix(16))
            let n = occurrence(digest)
            externalID = idPrefix + digest + (n > 1 ? "-\(n)" : "")
        }

        var priority: Priority?
        if let raw = text(.priority) {
            guard let parsed = Priority(parsing: raw) else {
                return fail("unknown priority '\(raw)' (use P1..P4 or critical/high/medium/low)")
            }
            priority = parsed
        }
        var status: TicketStatus?
        if let raw = text(.status) {
            guard let parsed = TicketStatus(parsing: raw) else { return fail("unknown status '\(raw)'") }
            status = parsed
        }
        var language: String?
        if let raw = text(.language) {
            guard Self.isLanguageTag(raw) else { return fail("'\(raw)' is not a language tag such as en or pt-BR") }
            language = raw
        }
        var createdAt: Date?, resolvedAt: Date?
        for field in [TicketField.createdAt, .resolvedAt] {
            guard let raw = text(field) else { continue }
            guard let date = dates.parse(raw) else {
                return fail("unparseable date '\(raw)' in \(field.rawValue) (column '\(column(field))')")
            }
            if Ticket.isInTheFuture(date) {
                return fail("\(field.rawValue) '\(raw)' is in the future")
            }
            if field == .createdAt { createdAt = date } else { resolvedAt = date }
        }
        if let createdAt, let resolvedAt, resolvedAt < createdAt {
            return fail("resolved_at is before created_at")
        }
        return .success(Ticket(
            externalID: externalID, subject: subject, body: body, customer: text(.customer),
            channel: text(.channel)?.lowercased(), language: language, category: text(.category),
            priority: priority, status: status, createdAt: createdAt, resolvedAt: resolvedAt,
            resolution: text(.resolution), extra: extra))
    }

    /// The quarantine reason of a record holding a NUL character.
    static func nulReason(_ column: String) -> String {
        "column '\(column.replacingOccurrences(of: "\u{0}", with: "\\0"))' contains a NUL character (U+0000): "
            + "the record is not stored, as text would be cut there"
    }

    static func isLanguageTag(_ raw: String) -> Bool {
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = parts.first, (2...3).contains(primary.count),
              primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}

/// Why a record failed validation (it is then quarantined with this reason).
public struct InvalidRecord: Error, Equatable, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
