import Application
import Foundation
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
        guard let report = try await services.latestMonitorRun().report else {
            throw HTTPError(.notFound, message: "the monitor has not run on this home: run localtriage monitor --recent-days 7")
        }
        return report
    }
}

extension ServerServices {
    /// The latest `localtriage monitor` run of the install: its report and its Prometheus values, from the store
    /// (a run made on any machine), else from this server's home (runs made before the store kept them).
    func latestMonitorRun() async throws -> (report: MonitorReport?, metrics: String?) {
        let files = try await store.sharedFiles(under: MonitorReport.folder + "/")
        guard !files.isEmpty else {
            let home = routers.home
            return (MonitorReport.latest(home: home), MonitorReport.latestMetrics(home: home))
        }
        let text = { (name: String) in files.first { $0.path == MonitorReport.folder + "/" + name }?.text }
        return (text(MonitorReport.reportFile).flatMap { MonitorReport.decode(Data($0.utf8)) }, text(MonitorReport.metricsFile))
    }
}
