import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import Store

/// Keys looked up in the last few seconds, so a busy server does not read the store on every request. A revoked
/// key stops working within `lifetime`; unknown keys are never cached.
final class APIKeyCache: Sendable {
    let lifetime: Duration
    private let entries = NIOLockedValueBox<[String: (key: APIKey, until: ContinuousClock.Instant)]>([:])

    init(lifetime: Duration = .seconds(5)) {
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

/// Authenticates every request it guards: `Authorization: Bearer <key>` (or the web UI's `lt_key` cookie).
/// No key or an unknown or revoked key: 401.
struct APIKeyMiddleware: RouterMiddleware {
    let store: any WorkflowStore
    let cache = APIKeyCache()

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var secret: String?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let cookie = request.cookies["lt_key"]?.value {
            secret = cookie
        }
        guard let secret, !secret.isEmpty else {
            // A person in a browser is sent to sign in; a program gets the 401.
            if request.uri.path.hasPrefix("/ui/") { return Response(status: .seeOther, headers: [.location: "/ui/login"]) }
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "an API key is required: Authorization: Bearer <key>")
        }
        let hash = APIKeys.hash(secret)
        guard let key = try await cache.key(hash: hash, lookup: { try await store.apiKey(secretHash: hash) }) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "unknown or revoked API key")
        }
        var context = context
        context.identity = key
        context.logger[metadataKey: "key"] = .string(key.id)
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
