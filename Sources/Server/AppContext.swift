import Hummingbird
import Rendering
import Store

/// The request context of the API: who is calling (set by `AuthenticationMiddleware`) and the body size limit.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's key, once authenticated.
    public var identity: APIKey?
    /// The web UI session the caller came with (nil for a bearer key).
    public var session: UISession?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Larger JSON bodies are refused with 413 (bulk ingest has its own, larger limit).
    public var maxUploadSize: Int { 1 << 20 }

    /// The caller's key id for the audit log.
    var actor: String { identity.map { "key:\($0.id)" } ?? "anonymous" }

    /// Who sees a UI page: the navigation for their role, and the token the page's forms send back.
    var viewer: HTML.Viewer { HTML.Viewer(role: identity?.role, csrfToken: session?.csrfToken) }
}
