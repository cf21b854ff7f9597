import Foundation
import Routing
import Store

extension StoredPrediction {
    /// The record of a router's decision on a stored ticket: what it chose, how sure it was, and the whole
    /// decision (probabilities, abstain reason) as JSON with sorted keys.
    public init(_ decision: RoutingDecision, ticketExternalID: String, modelVersion: String) throws {
        self.init(ticketExternalID: ticketExternalID, modelVersion: modelVersion, category: decision.category,
                  queue: decision.queue, suggestedCategory: decision.suggestedCategory, confidence: decision.confidence,
                  abstained: decision.abstained, priority: decision.priority,
                  details: String(decoding: try JSONEncoder.sorted.encode(decision), as: UTF8.self))
    }
}

extension ShadowDecision {
    /// What a shadow record keeps of a router's decision.
    public init(_ decision: RoutingDecision) {
        self.init(category: decision.suggestedCategory, abstained: decision.abstained, confidence: decision.confidence,
                  priority: decision.priority)
    }
}
