import Foundation

/// First-response targets by priority, and how close an open ticket is to missing its target.
public struct SLAPolicy: Sendable, Equatable {
    public enum Risk: String, Codable, Sendable, Comparable {
        case ok, atRisk = "at_risk", breached

        public static func < (a: Risk, b: Risk) -> Bool {
            let order: [Risk] = [.ok, .atRisk, .breached]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// Hours to answer, by priority (tickets without a priority get P3's).
    public var hours: [Priority: Double]
    /// Share of the target after which an open ticket is at risk.
    public var warnAt: Double

    public init(hours: [Priority: Double] = [.p1: 4, .p2: 8, .p3: 24, .p4: 72], warnAt: Double = 0.75) {
        self.hours = hours
        self.warnAt = warnAt
    }

    /// The risk of a ticket at `now`: resolved tickets and tickets without a creation time are ok.
    public func risk(of ticket: Ticket, now: Date = Date()) -> Risk {
        guard let created = ticket.createdAt, !(ticket.status?.isResolved ?? false) else { return .ok }
        let target = (hours[ticket.priority ?? .p3] ?? 24) * 3_600
        let age = now.timeIntervalSince(created)
        return age >= target ? .breached : age >= target * warnAt ? .atRisk : .ok
    }
}
