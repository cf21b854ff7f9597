import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Store

/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The whole HTTP API and web UI on one screen: public probes and sign-in, then every /v1 route and UI page behind
/// an API key (header or the UI's cookie) and its role. Only the API's routes go in `table` (the OpenAPI document).
public func buildRouter(_ services: ServerServices, routes table: RouteTable = RouteTable()) -> Hummingbird.Router<AppContext> {
    let router = Hummingbird.Router(context: AppContext.self)
    router.add(middleware: MetricsMiddleware(metrics: services.metrics))
    let ops = OpsRoutes(services: services), ui = UIRoutes(services: services)
    ops.addPublic(to: RouteRegistrar(group: router.group(""), prefix: "", table: table))
    ui.addPublic(to: router)

    let authenticated = router.group("").add(middleware: APIKeyMiddleware(store: services.store))
    ops.add(to: RouteRegistrar(group: authenticated, prefix: "", table: table))
    ui.add(to: authenticated)
    let agent = RouteRegistrar(group: authenticated.group("v1"), prefix: "/v1", table: table)
    TicketRoutes(services: services).add(to: agent)
    TriageRoutes(services: services).add(to: agent)
    DraftRoutes(services: services).add(to: agent)
    let lead = RouteRegistrar(group: authenticated.group("v1").add(middleware: RequireRole(role: .lead)), prefix: "/v1", table: table)
    let admin = RouteRegistrar(group: authenticated.group("v1").add(middleware: RequireRole(role: .admin)), prefix: "/v1", table: table)
    AnalyticsRoutes(services: services).add(to: lead)
    AnswerRoutes(services: services).add(agent: agent, lead: lead)
    ModelRoutes(services: services).add(agent: agent, lead: lead, admin: admin)
    return router
}

/// The application: the router, the server's address, and the services that live and stop with it (such as the
/// supervised llama-server).
public func buildApplication(_ services: ServerServices, configuration: ServerConfiguration, lifecycle: [any Service] = [],
                             logger: Logger = Logger(label: "localtriage")) -> some ApplicationProtocol {
    Application(router: buildRouter(services),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "LocalTriage"),
                services: lifecycle, logger: logger)
}
