import Domain
import Foundation

/// The router's predictions for tickets, and agents' corrections of them.
public protocol PredictionStore: Sendable {
    /// Tickets with no prediction from `modelVersion` yet, oldest first.
    func ticketsAwaitingTriage(modelVersion: String, limit: Int) async throws -> [Ticket]
    /// Records predictions; a ticket keeps every prediction made for it.
    func savePredictions(_ predictions: [StoredPrediction]) async throws
    /// A ticket's predictions, newest first.
    func predictions(ticketExternalID: String) async throws -> [StoredPrediction]
    /// Applies a route correction to the ticket, records it and audits it.
    func saveCorrection(_ correction: RouteCorrection) async throws
}
