import Domain
import Foundation

/// Tickets: read one, list them for the inbox, create one through the API, and keyword search.
public protocol TicketStore: Sendable {
    func ticket(externalID: String) async throws -> Ticket?
    /// Creates or replaces one ticket (the API's create), audited as the actor.
    func upsertTicket(_ ticket: Ticket, actor: String) async throws
    func tickets(_ query: TicketQuery) async throws -> [TicketSummary]
    /// Keyword search over tickets (subject, body, resolution), best first.
    func searchTickets(_ query: String, limit: Int, resolvedOnly: Bool) async throws -> [TicketHit]
    /// Tickets by row id.
    func ticketHits(ids: [Int64]) async throws -> [Int64: TicketHit]
}
