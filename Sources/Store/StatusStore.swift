import Foundation

/// Whether the store answers, what it holds, and the analytics read from it.
public protocol StatusStore: Sendable {
    /// Succeeds when the store answers a query (readiness).
    func ping() async throws
    func counts() async throws -> StoreCounts
    func analytics(days: Int) async throws -> WorkflowAnalytics
}
