import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Server
import Store
import Testing

/// A browser's view of the web UI: sign in through the form as a browser does (the form's token and its cookie),
/// then the session cookie and the CSRF token the pages carry.
enum WebSession {
    /// The value of cookie `name` among a response's Set-Cookie headers, with its attributes.
    static func cookie(_ name: String, in response: TestResponse) -> (value: String, attributes: String)? {
        for header in response.headers[values: .setCookie] where header.hasPrefix("\(name)=") {
            let value = header.dropFirst(name.count + 1).prefix { $0 != ";" }
            return (String(value), header)
        }
        return nil
    }

    /// The sign-in form's token and the cookie that goes with it.
    static func loginForm(_ client: some TestClientProtocol) async throws -> (token: String, cookie: String) {
        let page = try await client.execute(uri: "/ui/login", method: .get)
        let token = try #require(Self.cookie(Sessions.loginCookie, in: page)).value
        #expect(String(buffer: page.body).contains(#"name="csrf" value="\#(token)""#), "the form echoes its cookie's token")
        return (token, "\(Sessions.loginCookie)=\(token)")
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&"))
    }

    /// Signs in with `secret`: the session's cookie header, its raw id and the CSRF token from the inbox page.
    static func signIn(_ client: some TestClientProtocol, secret: String) async throws -> (cookie: HTTPFields, id: String, csrf: String) {
        let login = try await loginForm(client)
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: login.cookie]
        let response = try await client.execute(uri: "/ui/login", method: .post, headers: headers,
                                                body: form(["key": secret, "csrf": login.token]))
        #expect(response.status == .seeOther && response.headers[.location] == "/ui/inbox")
        let id = try #require(Self.cookie(Sessions.cookie, in: response)).value
        let cookieHeader: HTTPFields = [.cookie: "\(Sessions.cookie)=\(id)"]
        let inbox = String(buffer: try await client.execute(uri: "/ui/inbox", method: .get, headers: cookieHeader).body)
        let csrf = try #require(inbox.firstMatch(of: /<meta name="csrf-token" content="([0-9a-f]+)">/)).1
        return (cookieHeader, id, String(csrf))
    }
}

/// Items 3–5 of issue 15: the UI's cookie is a server-side session, not the key; a change made with it needs the
/// session's CSRF token and must come from this origin; the sign-in form cannot be posted from another site.
@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct SessionSecurityTests {
    @Test func theCookieIsARandomServerSideSessionThatSignOutAndRevocationEnd() async throws {
        let (services, store) = try await ServerTests.services()
        let (key, secret) = try await APIKeys.create(name: "session", role: .agent, in: store, actor: "test")
        try await ServerTests.app(services).test(.router) { client in
            let login = try await WebSession.loginForm(client)
            let response = try await client.execute(uri: "/ui/login", method: .post,
                                                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: login.cookie],
                                                    body: WebSession.form(["key": secret, "csrf": login.token]))
            let cookie = try #require(WebSession.cookie(Sessions.cookie, in: response))
            #expect(!cookie.value.contains(secret) && !cookie.value.contains(key.id) && cookie.value.count == 64)
            #expect(cookie.attributes.contains("HttpOnly") && cookie.attributes.contains("SameSite=Strict"))
            #expect(!cookie.attributes.contains("Secure"), "plain HTTP on loopback: a Secure cookie would never come back")
            #expect(WebSession.cookie("lt_key", in: response) == nil)

            // Behind a TLS-terminating proxy the cookie is Secure.
            let overTLS = try await client.execute(uri: "/ui/login", method: .post,
                                                   headers: [.contentType: "application/x-www-form-urlencoded", .cookie: login.cookie,
                                                             .forwardedProto: "https"],
                                                   body: WebSession.form(["key": secret, "csrf": login.token]))
            #expect(WebSession.cookie(Sessions.cookie, in: overTLS)?.attributes.contains("Secure") == true)

            // Signing out ends the session on the server: the same cookie no longer opens a page.
            let session = try await WebSession.signIn(client, secret: secret)
            let signOut = try await client.execute(uri: "/ui/logout", method: .post,
                                                   headers: session.cookie + [.contentType: "application/x-www-form-urlencoded"],
                                                   body: WebSession.form(["csrf": session.csrf]))
            #expect(signOut.status == .seeOther && signOut.headers[.location] == "/ui/login")
            let after = try await client.execute(uri: "/ui/inbox", method: .get, headers: session.cookie)
            #expect(after.status == .seeOther && after.headers[.location] == "/ui/login")

            // Revoking the key ends its sessions.
            let other = try await WebSession.signIn(client, secret: secret)
            #expect(try await store.revokeAPIKey(id: key.id, actor: "test"))
            let revoked = try await client.execute(uri: "/ui/inbox", method: .get, headers: other.cookie)
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/ui/login")
        }
    }

    @Test func aChangeMadeWithTheCookieNeedsTheTokenAndThisOrigin() async throws {
        let (services, store) = try await ServerTests.services()
        let admin = try await APIKeys.create(name: "csrf admin", role: .admin, in: store, actor: "test")
        try await ServerTests.app(services).test(.router) { client in
            let session = try await WebSession.signIn(client, secret: admin.secret)
            let form: HTTPFields = session.cookie + [.contentType: "application/x-www-form-urlencoded"]
            let rollback = "/ui/models/rollback"
            // A form posted by another page (same site, another port) carries the cookie but not the token.
            let noToken = try await client.execute(uri: rollback, method: .post, headers: form, body: WebSession.form(["reason": "csrf"]))
            #expect(noToken.status == .forbidden)
            let wrongToken = try await client.execute(uri: rollback, method: .post, headers: form,
                                                      body: WebSession.form(["reason": "csrf", "csrf": String(repeating: "0", count: 64)]))
            #expect(wrongToken.status == .forbidden)
            // Even with the token, the browser's word that the request comes from elsewhere is enough to refuse it.
            for header: HTTPFields in [[.secFetchSite: "same-site"], [.secFetchSite: "cross-site"], [.secFetchSite: "none"],
                                       [.origin: "http://127.0.0.1:9999"], [.origin: "null", .secFetchSite: "cross-site"]] {
                let response = try await client.execute(uri: rollback, method: .post, headers: form + header,
                                                        body: WebSession.form(["reason": "csrf", "csrf": session.csrf]))
                #expect(response.status == .forbidden, "\(header)")
            }

            // The API: the cookie alone reads and changes nothing; a text/plain body is not JSON.
            let list = try await client.execute(uri: "/v1/tickets?limit=1", method: .get, headers: session.cookie)
            #expect(list.status == .forbidden)
            let textPlain = try await client.execute(uri: "/v1/tickets", method: .post, headers: session.cookie + [.contentType: "text/plain"],
                                                     body: ByteBuffer(string: #"{"body": "forged ticket"}"#))
            #expect(textPlain.status == .forbidden)
            let promote = try await client.execute(uri: "/v1/models/promote", method: .post, headers: session.cookie + [.contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"version": "router-test", "force": true}"#))
            #expect(promote.status == .forbidden)
            let withKey = try await client.execute(uri: "/v1/tickets", method: .post,
                                                   headers: [.authorization: "Bearer \(admin.secret)", .contentType: "text/plain"],
                                                   body: ByteBuffer(string: #"{"body": "not json by type"}"#))
            #expect(withKey.status == .unsupportedMediaType)
            #expect(String(buffer: withKey.body).contains("JSON only"))

            // The page's own calls (same origin, the token in the header) go through.
            let own: HTTPFields = session.cookie + [.csrfToken: session.csrf, .secFetchSite: "same-origin", .contentType: "application/json"]
            #expect(try await client.execute(uri: "/v1/tickets?limit=1", method: .get, headers: own).status == .ok)
            let created = try await client.execute(uri: "/v1/tickets", method: .post, headers: own,
                                                   body: ByteBuffer(string: #"{"externalID": "CSRF-OWN-1", "body": "My invoice is wrong."}"#))
            #expect(created.status == .created)
            // A form of the page itself: Chromium sends Origin null beside Sec-Fetch-Site: same-origin.
            let ownForm = try await client.execute(uri: "/ui/models/challenger", method: .post,
                                                   headers: form + [.secFetchSite: "same-origin", .origin: "null"],
                                                   body: WebSession.form(["version": "router-test", "csrf": session.csrf]))
            #expect(ownForm.status == .seeOther)
        }
    }

    @Test func anotherSiteCannotSignTheBrowserIn() async throws {
        let (services, store) = try await ServerTests.services()
        let attacker = try await APIKeys.create(name: "attacker", role: .agent, in: store, actor: "test")
        try await ServerTests.app(services).test(.router) { client in
            // A form on another site posts the attacker's key: it has neither the form's token nor its cookie.
            let forged = try await client.execute(uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: WebSession.form(["key": attacker.secret]))
            #expect(forged.status == .forbidden && WebSession.cookie(Sessions.cookie, in: forged) == nil)
            // Nor does a token of its own make the request come from this site.
            let login = try await WebSession.loginForm(client)
            let crossSite = try await client.execute(uri: "/ui/login", method: .post,
                                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: login.cookie,
                                                               .secFetchSite: "cross-site"],
                                                     body: WebSession.form(["key": attacker.secret, "csrf": login.token]))
            #expect(crossSite.status == .forbidden && WebSession.cookie(Sessions.cookie, in: crossSite) == nil)
            // A metrics key cannot sign in at all.
            let scraper = try await APIKeys.create(name: "scraper", role: .metrics, in: store, actor: "test")
            let fresh = try await WebSession.loginForm(client)
            let metrics = try await client.execute(uri: "/ui/login", method: .post,
                                                   headers: [.contentType: "application/x-www-form-urlencoded", .cookie: fresh.cookie],
                                                   body: WebSession.form(["key": scraper.secret, "csrf": fresh.token]))
            #expect(metrics.status == .forbidden && WebSession.cookie(Sessions.cookie, in: metrics) == nil)
        }
    }

    @Test func anExpiredSessionSendsAPersonToSignInAndAProgramA401() async throws {
        let (services, store) = try await ServerTests.services()
        let (key, _) = try await APIKeys.create(name: "expired", role: .agent, in: store, actor: "test")
        let id = APIKeys.randomToken(bytes: 32)
        let past = Date().addingTimeInterval(-13 * 3_600)
        try await store.createSession(UISession(keyID: key.id, csrfToken: "t", createdAt: past, expiresAt: past.addingTimeInterval(Sessions.lifetime)),
                                      idHash: APIKeys.hash(id))
        try await ServerTests.app(services).test(.router) { client in
            let cookie: HTTPFields = [.cookie: "\(Sessions.cookie)=\(id)"]
            for path in ["/ui/inbox", "/ui/tickets/ORB-10001"] {
                let page = try await client.execute(uri: path, method: .get, headers: cookie)
                #expect(page.status == .seeOther && page.headers[.location] == "/ui/login", "\(path)")
            }
            let form = try await client.execute(uri: "/ui/answers/mine", method: .post, headers: cookie + [.contentType: "application/x-www-form-urlencoded"],
                                                body: WebSession.form(["csrf": "t"]))
            #expect(form.status == .seeOther && form.headers[.location] == "/ui/login")
            let api = try await client.execute(uri: "/v1/drafts", method: .post, headers: cookie + [.csrfToken: "t", .contentType: "application/json"],
                                               body: ByteBuffer(string: #"{"ticketID": "ORB-10001"}"#))
            #expect(api.status == .unauthorized && String(buffer: api.body).contains("API key is required"))
        }
    }
}

extension HTTPFields {
    static func + (a: HTTPFields, b: HTTPFields) -> HTTPFields {
        var result = a
        result.append(contentsOf: b)
        return result
    }
}
