import Application
import Hummingbird
import Monitoring
import Store

extension WorkflowAnalytics: ResponseEncodable {}
extension MonitorReport: ResponseEncodable {}

/// A page of the audit log, newest first.
struct AuditPage: ResponseEncodable {
    var events: [AuditEvent]
}

/// Analytics for leads: volumes, routing quality from corrections, draft acceptance and edits; the latest
/// monitor run (drift checks, emerging themes); and the audit log.
struct AnalyticsRoutes {
    let services: ServerServices

    func add(to routes: RouteRegistrar) {
        routes.on(.get, "/analytics", use: analytics)
        routes.on(.get, "/audit", use: auditLog)
        routes.on(.get, "/monitor", use: latestMonitorReport)
    }

    /// GET /analytics?days=: volumes, routing quality and draft outcomes over the last days.
    @Sendable func analytics(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        try await services.store.analytics(days: try Validate.int(request, "days", default: 30, in: 1...366))
    }

    /// GET /audit?limit=: the audit log, newest first.
    @Sendable func auditLog(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        AuditPage(events: try await services.store.auditLog(limit: try Validate.int(request, "limit", default: 100, in: 1...1_000)))
    }

    /// GET /monitor: the latest monitor run (drift checks, emerging themes), 404 before the first.
    @Sendable func latestMonitorReport(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        guard let report = MonitorReport.latest(home: services.routers.home) else {
            throw HTTPError(.notFound, message: "the monitor has not run on this home: run localtriage monitor --recent-days 7")
        }
        return report
    }
}
