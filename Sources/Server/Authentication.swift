import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import Store

/// Keys looked up in the last second, so a busy server does not read the store on every request. A revoked
/// key stops working within `lifetime`; unknown keys are never cached.
final class APIKeyCache: Sendable {
    let lifetime: Duration
    private let entries = NIOLockedValueBox<[String: (key: APIKey, until: ContinuousClock.Instant)]>([:])

    init(lifetime: Duration = .seconds(1)) {
        self.lifetime = lifetime
    }

    func key(hash: String, lookup: () async throws -> APIKey?) async throws -> APIKey? {
        let now = ContinuousClock.now
        if let hit = entries.withLockedValue({ $0[hash] }), hit.until > now { return hit.key }
        guard let key = try await lookup() else {
            entries.withLockedValue { _ = $0.removeValue(forKey: hash) }
            return nil
        }
        entries.withLockedValue { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[hash] = (key, now + lifetime)
        }
        return key
    }
}

/// Authenticates every request it guards, by one of two credentials:
/// - `Authorization: Bearer <key>`: programs. Not sent by a browser on its own, so no cross-site checks.
/// - the web UI's session cookie (`Sessions`): a random id kept server-side. A change made with it (and every
///   `/v1` call) must come from this site (`CrossSite`) and carry the session's CSRF token, in the `X-CSRF-Token`
///   header or, for the UI's forms, the `csrf` field; a page of another site can send the cookie but cannot read
///   the token.
/// No credential, or an unknown, revoked or expired one: 401, or for a UI page a redirect to the sign-in page.
/// With `required: false` a request without a valid credential goes on anonymously (public probes).
struct AuthenticationMiddleware: RouterMiddleware {
    let store: any AccessStore
    var required = true
    let cache = APIKeyCache()

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var request = request, context = context
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            let hash = APIKeys.hash(secret)
            if !secret.isEmpty, let key = try await cache.key(hash: hash, lookup: { try await store.apiKey(secretHash: hash) }) {
                context.identity = key
            } else if required {
                throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "unknown or revoked API key")
            }
        } else if let id = request.cookies[Sessions.cookie]?.value, !id.isEmpty,
                  let (session, key) = try await store.session(idHash: APIKeys.hash(id), now: Date()) {
            if request.method.isUnsafe || request.uri.path.hasPrefix("/v1/") {
                try CrossSite.refuse(request)
                let token = try await Sessions.csrfToken(in: &request)
                guard let token, Sessions.same(token, session.csrfToken) else {
                    throw HTTPError(.forbidden, message: "this change needs the session's CSRF token (X-CSRF-Token header or csrf form field)")
                }
            }
            context.identity = key
            context.session = session
        } else if required {
            // A person in a browser is sent to sign in (their session may just have expired); a program gets the 401.
            if request.uri.path.hasPrefix("/ui/") { return Response(status: .seeOther, headers: [.location: "/ui/login"]) }
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"],
                            message: "an API key is required: Authorization: Bearer <key>")
        }
        if let identity = context.identity { context.logger[metadataKey: "key"] = .string(identity.id) }
        return try await next(request, context)
    }
}

/// Lets a request through only when its key has at least `role`: 403 otherwise.
struct RequireRole: RouterMiddleware {
    let role: Role

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let identity = context.identity, identity.role >= role else {
            throw HTTPError(.forbidden, message: "this needs the \(role.rawValue) role")
        }
        return try await next(request, context)
    }
}

/// `/v1` reads JSON only: a body of another type (a `text/plain` or form post another site's page can send
/// without asking) is refused with 415 before it is parsed.
struct JSONBodiesOnly: RouterMiddleware {
    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        let hasBody = request.headers[.transferEncoding] != nil || (request.headers[.contentLength].flatMap(Int.init) ?? 0) > 0
        if request.method.isUnsafe, hasBody {
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
                throw HTTPError(.unsupportedMediaType, message: "the API reads JSON only: send Content-Type: application/json")
            }
        }
        return try await next(request, context)
    }
}

/// The browser's word on where a request comes from. A change made with the session cookie must come from this
/// origin: refused when `Sec-Fetch-Site` names anything else (even a same-site page: another port or subdomain is
/// the same site). A browser that does not send `Sec-Fetch-Site` is judged by `Origin`, which must then be this
/// host; `Origin: null` (what a browser sends for a form of a page with a strict referrer policy, or a sandboxed
/// frame) decides nothing there. Programs send neither header. Neither case is enough on its own: every change
/// also needs the session's CSRF token.
enum CrossSite {
    static func refuse(_ request: Request) throws {
        if let site = request.headers[.secFetchSite]?.lowercased() {
            guard site == "same-origin" else {
                throw HTTPError(.forbidden, message: "refused a \(site) request: changes come only from this site's own pages")
            }
            return
        }
        if let origin = request.headers[.origin], origin != "null" {
            // Behind a proxy the host the browser used may arrive as X-Forwarded-Host (a page elsewhere cannot set it).
            let host = (request.headers[.forwardedHost] ?? request.head.authority)?.lowercased()
            guard let url = URL(string: origin), let originHost = url.host?.lowercased(), host != nil,
                  host == originHost + (url.port.map { ":\($0)" } ?? "") else {
                throw HTTPError(.forbidden, message: "refused a request from \(origin): changes come only from this site's own pages")
            }
        }
    }
}

extension HTTPRequest.Method {
    /// Methods that change something (CSRF defences apply to them).
    var isUnsafe: Bool { ![.get, .head, .options].contains(self) }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
    static let csrfToken = Self("X-CSRF-Token")!
    static let forwardedProto = Self("X-Forwarded-Proto")!
    static let forwardedHost = Self("X-Forwarded-Host")!
}
