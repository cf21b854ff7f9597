import Hummingbird
import Monitoring
import Store

extension WorkflowAnalytics: ResponseEncodable {}
extension MonitorReport: ResponseEncodable {}

/// Analytics for leads: volumes, routing quality from corrections, draft acceptance and edits; and the latest
/// monitor run (drift checks, emerging themes).
struct AnalyticsRoutes {
    let services: ServerServices

    func add(to routes: RouteRegistrar) {
        routes.on(.get, "/analytics") { request, _ in
            try await services.store.analytics(days: try Validate.int(request, "days", default: 30, in: 1...366))
        }
        routes.on(.get, "/monitor") { _, _ in
            guard let report = MonitorReport.latest(home: services.routers.home) else {
                throw HTTPError(.notFound, message: "the monitor has not run on this home: run localtriage monitor --recent-days 7")
            }
            return report
        }
    }
}
