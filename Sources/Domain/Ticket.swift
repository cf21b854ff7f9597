import Foundation

/// Lifecycle state of a ticket, normalised from the many spellings support tools export.
public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new, open, pending, onHold = "on_hold", resolved, closed

    /// Parses a status word (`Solved` → resolved, `In Progress` → open, `Waiting on customer` → pending...).
    public init?(parsing raw: String) {
        let key = raw.lowercased().filter(\.isLetter)
        switch key {
        case "new", "unassigned": self = .new
        case "open", "inprogress", "active", "assigned", "reopened": self = .open
        case "pending", "waiting", "waitingoncustomer", "awaitingcustomer", "awaitingreply": self = .pending
        case "onhold", "hold", "paused": self = .onHold
        case "resolved", "solved", "done", "fixed": self = .resolved
        case "closed", "archived", "cancelled", "canceled": self = .closed
        default: return nil
        }
    }

    /// True once the ticket is answered (its resolution can serve as a similar-ticket source).
    public var isResolved: Bool { self == .resolved || self == .closed }
}

/// A support ticket as stored: the customer's words plus routing labels and, once answered, the resolution.
public struct Ticket: Codable, Sendable, Equatable {
    /// Whether a ticket date is later than any real one can be: more than a day (clocks and time zones) after
    /// `now`. Such a ticket would sit at the top of the newest-first inbox for years.
    public static func isInTheFuture(_ date: Date, now: Date = Date()) -> Bool {
        date > now.addingTimeInterval(86_400)
    }

    /// The id in the system the ticket came from (or derived from its content when the source has none).
    public var externalID: String
    public var subject: String?
    public var body: String
    public var customer: String?
    public var channel: String?
    /// A BCP 47 language tag such as `en` or `pt-BR`, when known.
    public var language: String?
    public var category: String?
    public var priority: Priority?
    public var status: TicketStatus?
    public var createdAt: Date?
    public var resolvedAt: Date?
    public var resolution: String?
    /// Source columns that map to no field above, kept verbatim.
    public var extra: [String: String]

    public init(
        externalID: String, subject: String? = nil, body: String, customer: String? = nil, channel: String? = nil,
        language: String? = nil, category: String? = nil, priority: Priority? = nil, status: TicketStatus? = nil,
        createdAt: Date? = nil, resolvedAt: Date? = nil, resolution: String? = nil, extra: [String: String] = [:]
    ) {
        self.externalID = externalID
        self.subject = subject?.withUnixLineEndings
        self.body = body.withUnixLineEndings
        self.customer = customer
        self.channel = channel
        self.language = language
        self.category = category
        self.priority = priority
        self.status = status
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
        self.resolution = resolution?.withUnixLineEndings
        self.extra = extra
    }

    /// Subject and body as one text, the form routing and search read.
    public var text: String {
        guard let subject, !subject.isEmpty else { return body }
        return subject + "\n\n" + body
    }

    /// A digest of every field, used to tell an edited record from an unchanged one on re-ingest.
    public var contentHash: String {
        let fields: [String?] = [
            externalID, subject, body, customer, channel, language, category, priority?.rawValue, status?.rawValue,
            createdAt.map { String($0.timeIntervalSince1970) }, resolvedAt.map { String($0.timeIntervalSince1970) },
            resolution,
        ] + extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // Unit and record separators cannot be confused with field text; nil differs from "".
        return ContentHash.sha256(fields.map { $0.map { "\u{1F}" + $0 } ?? "\u{1E}" }.joined())
    }
}
