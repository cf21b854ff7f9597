import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Store

/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// A connection that sends nothing for this long is closed: between requests, or in the middle of one (a
    /// half-sent head or body). A response being written (a streaming draft) is not cut.
    public var idleTimeout: TimeAmount = .seconds(15)

    public init(host: String = "127.0.0.1", port: Int = 8080, idleTimeout: TimeAmount = .seconds(15)) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
    }
}

/// The whole HTTP API and web UI on one screen: public probes and sign-in, then every /v1 route and UI page behind
/// a credential (an API key in the header, or the UI's session cookie with its CSRF token) and its role. Only the
/// API's routes go in `table` (the OpenAPI document).
public func buildRouter(_ services: ServerServices, routes table: RouteTable = RouteTable()) -> Hummingbird.Router<AppContext> {
    let router = Hummingbird.Router(context: AppContext.self)
    router.add(middleware: MetricsMiddleware(metrics: services.metrics))
    router.add(middleware: ErrorResponseMiddleware(storage: services.storage))
    let ops = OpsRoutes(services: services), ui = UIRoutes(services: services)
    ops.addPublic(to: RouteRegistrar(group: router.group(""), prefix: "", table: table))
    ops.addProbes(to: RouteRegistrar(group: router.group("").add(middleware: AuthenticationMiddleware(store: services.store, required: false)),
                                     prefix: "", table: table))
    ui.addPublic(to: router)

    let authenticated = router.group("").add(middleware: AuthenticationMiddleware(store: services.store))
    ops.add(to: RouteRegistrar(group: authenticated, prefix: "", table: table))
    ui.add(to: authenticated.group("").add(middleware: RequireRole(role: .agent)))
    let api = authenticated.group("v1").add(middleware: JSONBodiesOnly())
    func registrar(_ role: Role) -> RouteRegistrar {
        RouteRegistrar(group: api.group("").add(middleware: RequireRole(role: role)), prefix: "/v1", table: table)
    }
    let agent = registrar(.agent), lead = registrar(.lead), admin = registrar(.admin)
    TicketRoutes(services: services).add(to: agent)
    TriageRoutes(services: services).add(to: agent)
    DraftRoutes(services: services).add(to: agent)
    AnalyticsRoutes(services: services).add(to: lead)
    AnswerRoutes(services: services).add(agent: agent, lead: lead)
    ModelRoutes(services: services).add(agent: agent, lead: lead, admin: admin)
    return router
}

/// The application: the router, the server's address, and the services that live and stop with it (such as the
/// supervised llama-server).
public func buildApplication(_ services: ServerServices, configuration: ServerConfiguration, lifecycle: [any Service] = [],
                             logger: Logger = Logger(label: "localtriage")) -> some ApplicationProtocol {
    Application(router: buildRouter(services), server: .http1(configuration: .init(idleTimeout: configuration.idleTimeout)),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "LocalTriage"),
                services: lifecycle, logger: logger)
}
