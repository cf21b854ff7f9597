import Hummingbird
import Store

/// The request context of the API: who is calling (set by `APIKeyMiddleware`) and the body size limit.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's key, once authenticated.
    public var identity: APIKey?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Larger JSON bodies are refused with 413 (bulk ingest has its own, larger limit).
    public var maxUploadSize: Int { 1 << 20 }

    /// The caller's key id for the audit log.
    var actor: String { identity.map { "key:\($0.id)" } ?? "anonymous" }
}
