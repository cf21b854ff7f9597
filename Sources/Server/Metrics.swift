import Foundation
import Hummingbird
import Prometheus

/// The server's Prometheus metrics, in a registry of its own (no process-wide state: tests run many servers).
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private static let requestBuckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000].map { .milliseconds($0) }
    private static let stageBuckets: [Duration] = [5, 20, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000].map { .milliseconds($0) }

    public init() {}

    /// Counts a request and records its latency, by route template (not raw path: ids would explode the labels).
    func request(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route)]
        registry.makeCounter(descriptor: .init(metricName: "localtriage_http_requests", unitName: "total",
                                               helpText: "HTTP requests by route and status"),
                             labels: labels + [("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: .init(metricName: "localtriage_http_request_duration", unitName: "seconds",
                                                         helpText: "HTTP request latency by route"),
                                       labels: labels, buckets: Self.requestBuckets).record(duration)
    }

    /// Records a pipeline stage (`triage`, `retrieval`, `llm_first_token`, `llm`, `draft`).
    public func stage(_ name: String, milliseconds: Double) {
        registry.makeDurationHistogram(descriptor: .init(metricName: "localtriage_stage_duration", unitName: "seconds",
                                                         helpText: "Time spent per pipeline stage"),
                                       labels: [("stage", name)], buckets: Self.stageBuckets)
            .record(.microseconds(Int64(milliseconds * 1_000)))
    }

    /// Counts drafts by kind (`llm`, `extractive`).
    func draft(kind: String) {
        registry.makeCounter(descriptor: .init(metricName: "localtriage_drafts", unitName: "total", helpText: "Drafts by kind"),
                             labels: [("kind", kind)]).increment()
    }

    /// Counts shadow predictions of the challenger by outcome (`recorded`, `failed`).
    func shadow(_ outcome: String) {
        registry.makeCounter(descriptor: .init(metricName: "localtriage_shadow_predictions", unitName: "total",
                                               helpText: "Challenger predictions made beside the champion's, by outcome"),
                             labels: [("outcome", outcome)]).increment()
    }

    /// The exposition text.
    public func render() -> String { registry.emitToString() }
}

/// Records every request in `ServerMetrics`, errors included.
struct MetricsMiddleware: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                            status: response.status.code, duration: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                            status: status, duration: ContinuousClock.now - started)
            throw error
        }
    }
}
