import Foundation
import Hummingbird
import Store

/// Web UI sessions. Signing in with a key makes a random session id, sent to the browser in an HttpOnly,
/// SameSite=Strict cookie (`Secure` when the request came over HTTPS) and kept server-side as its SHA-256 with
/// the key id, a CSRF token and an expiry: the browser never holds the key, signing out or revoking the key ends
/// the session at once. The sign-in form has a token of its own (a short-lived cookie echoed in the form), so
/// another site cannot sign a person in with its key.
enum Sessions {
    static let cookie = "lt_session"
    static let loginCookie = "lt_login"
    static let lifetime: TimeInterval = 12 * 3_600
    static let formField = "csrf"

    /// Starts a session for `key` and answers with its cookie, sent on to the inbox.
    static func start(for key: APIKey, request: Request, store: any AccessStore) async throws -> Response {
        let id = APIKeys.randomToken(bytes: 32), now = Date()
        let session = UISession(keyID: key.id, csrfToken: APIKeys.randomToken(bytes: 32), createdAt: now,
                                expiresAt: now.addingTimeInterval(lifetime))
        try await store.createSession(session, idHash: APIKeys.hash(id))
        var response = Response(status: .seeOther, headers: [.location: "/ui/inbox"])
        response.setCookie(cookie(cookie, id, maxAge: Int(lifetime), request: request))
        response.setCookie(cookie(loginCookie, "", maxAge: 0, request: request))
        return response
    }

    /// Ends the request's session (if any) and clears its cookie.
    static func end(request: Request, store: any AccessStore) async throws -> Response {
        if let id = request.cookies[cookie]?.value, !id.isEmpty { _ = try await store.endSession(idHash: APIKeys.hash(id)) }
        var response = Response(status: .seeOther, headers: [.location: "/ui/login"])
        response.setCookie(cookie(cookie, "", maxAge: 0, request: request))
        return response
    }

    /// A new sign-in form token and its cookie.
    static func loginToken(request: Request) -> (token: String, cookie: Cookie) {
        let token = APIKeys.randomToken(bytes: 32)
        return (token, cookie(loginCookie, token, maxAge: 3_600, request: request))
    }

    /// Whether a sign-in form's token is the one its cookie holds.
    static func loginTokenMatches(_ formToken: String?, request: Request) -> Bool {
        guard let formToken, let expected = request.cookies[loginCookie]?.value, !expected.isEmpty else { return false }
        return same(formToken, expected)
    }

    /// The CSRF token a request carries: the `X-CSRF-Token` header, or the `csrf` field of a UI form (the body is
    /// read here and left for the handler).
    static func csrfToken(in request: inout Request) async throws -> String? {
        if let header = request.headers[.csrfToken] { return header }
        guard request.uri.path.hasPrefix("/ui/"),
              request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        struct Form: Decodable { var csrf: String? }
        let body = try await request.collectBody(upTo: 256 * 1024)
        return (try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body)))?.csrf
    }

    /// Compares two tokens in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether the browser reached us over HTTPS (directly, or through a proxy that says so).
    static func overHTTPS(_ request: Request) -> Bool {
        request.head.scheme == "https" || request.headers[.forwardedProto]?.lowercased() == "https"
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int, request: Request) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: overHTTPS(request), httpOnly: true, sameSite: .strict)
    }
}
