import Domain
import Foundation
import Testing

@Suite struct SLAPolicyTests {
    @Test func openTicketsAreOkAtRiskOrBreachedByTheirPrioritysTarget() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        func ticket(_ priority: Priority?, hoursAgo: Double, status: TicketStatus = .open) -> Ticket {
            Ticket(externalID: "T", body: "b", priority: priority, status: status, createdAt: now.addingTimeInterval(-hoursAgo * 3_600))
        }
        let policy = SLAPolicy()
        #expect(policy.risk(of: ticket(.p1, hoursAgo: 1), now: now) == .ok)
        #expect(policy.risk(of: ticket(.p1, hoursAgo: 3.5), now: now) == .atRisk)  // past 75% of 4 h
        #expect(policy.risk(of: ticket(.p1, hoursAgo: 5), now: now) == .breached)
        #expect(policy.risk(of: ticket(nil, hoursAgo: 20), now: now) == .atRisk, "no priority: P3's 24 h")
        #expect(policy.risk(of: ticket(.p1, hoursAgo: 50, status: .resolved), now: now) == .ok)
    }
}
