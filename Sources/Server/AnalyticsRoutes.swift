import Hummingbird
import Store

extension WorkflowAnalytics: ResponseEncodable {}

/// Analytics for leads: volumes, routing quality from corrections, draft acceptance and edits.
struct AnalyticsRoutes {
    let services: ServerServices

    func add(to routes: RouteRegistrar) {
        routes.on(.get, "/analytics") { request, _ in
            try await services.store.analytics(days: try Validate.int(request, "days", default: 30, in: 1...366))
        }
    }
}
