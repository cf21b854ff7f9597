import Application
import Drafting
import Foundation
import Hummingbird
import Monitoring
import Store

/// `/readyz`'s answer: whether the server can serve, and, for a caller with a key, the state of each part.
struct Readiness: ResponseEncodable {
    var ready: Bool
    var store: String?
    var model: String?
}

/// /healthz (the process answers: no key), /readyz (store and model server really answer: anyone may ask, a key
/// also sees why), /metrics (Prometheus, with the latest monitor run's drift values: any key, the metrics role is
/// made for scrapers), and the OpenAPI document with its docs page.
struct OpsRoutes {
    let services: ServerServices

    func addPublic(to routes: RouteRegistrar) {
        routes.on(.get, "/healthz", use: health)
    }

    /// GET /healthz: the process answers.
    @Sendable func health(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        ["status": "ok"]
    }

    /// Routes that answer anyone, and say more to a caller with a key.
    func addProbes(to routes: RouteRegistrar) {
        routes.on(.get, "/readyz", use: readiness)
    }

    /// GET /readyz: the store and the model server really answer; a caller with a key also sees why not.
    @Sendable func readiness(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        var storeState = "ok"
        do { try await services.storeReady() } catch { storeState = "unreachable: \(error)" }
        if storeState == "ok", let problem = services.storage.problem(directory: services.routers.home) { storeState = problem }
        // No model configured is a choice (extractive drafts), not an outage; a model still starting is not ready.
        let modelState: String
        switch (services.drafting.model == nil, services.modelStartup?.state) {
        case (true, _): modelState = "disabled"
        case (false, .starting(let what)): modelState = "starting: \(what)"
        case (false, .failed(let why)): modelState = "unavailable: \(why)"
        case (false, _): modelState = await services.modelReady() ? "ok" : "unreachable"
        }
        let modelOK = modelState == "ok" || modelState == "disabled"
        let ready = storeState == "ok" && modelOK
        let readiness = context.identity == nil ? Readiness(ready: ready) : Readiness(ready: ready, store: storeState, model: modelState)
        return EditedResponse(status: ready ? .ok : .serviceUnavailable, response: readiness)
    }

    func add(to routes: RouteRegistrar) {
        routes.on(.get, "/metrics", use: metrics)
        routes.on(.get, "/openapi.json", use: openAPIDocument)
        routes.on(.get, "/docs", use: apiDocs)
    }

    /// GET /metrics: Prometheus text, the latest monitor run's values included.
    @Sendable func metrics(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        // The latest `localtriage monitor` run's drift and theme values follow the server's own metrics.
        // Without them when the store does not answer: the server's own metrics matter most then.
        let text = services.metrics.render() + ((try? await services.latestMonitorRun())?.metrics ?? "")
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// GET /openapi.json: the API document.
    @Sendable func openAPIDocument(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.data())))
    }

    /// GET /docs: the API document as a page.
    @Sendable func apiDocs(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: try OpenAPIDocument.html())))
    }
}
