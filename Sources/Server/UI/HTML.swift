import Foundation
import Hummingbird
import Store

/// Server-rendered HTML: escaping and the page frame. No external scripts, styles or fonts.
enum HTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// One path segment of a link (a ticket id), percent-encoded so a space, '/', '?', '#' or é stays in the
    /// segment, and escaped for an attribute.
    static func segment(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")
        return escape(text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }

    /// Knowledge-base Markdown as plain text: no heading marks, bold or code markers.
    static func plain(_ markdown: String) -> String {
        markdown.replacingOccurrences(of: #"(?m)^#+\s*"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"\*\*|__|`"#, with: "", options: .regularExpression)
    }

    /// "1 draft", "3 drafts".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Who sees a page: their role (nil: signed out, no navigation) and the CSRF token their forms send back.
    struct Viewer {
        var role: Role?
        var csrfToken: String?
    }

    /// A page with the navigation for `viewer`; `body` is already HTML. Leads and admins also get the analytics and
    /// models links. Every POST form on the page gets the viewer's CSRF token as a hidden field, and the page's
    /// script finds it in the `csrf-token` meta tag for its API calls.
    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, viewer: Viewer) -> Response {
        let leadLinks = (viewer.role ?? .agent) >= .lead ? #"<a href="/ui/analytics">Analytics</a><a href="/ui/models">Models</a>"# : ""
        let nav = viewer.role != nil ? """
            <nav><a href="/ui/inbox">Inbox</a><a href="/ui/answers">Answers</a>\(leadLinks)<a href="/docs">API</a>\
            <form method="post" action="/ui/logout"><button>Sign out</button></form></nav>
            """ : ""
        var content = "<header><strong>LocalTriage</strong>\(nav)</header><main>\(body)</main>"
        var meta = ""
        if let token = viewer.csrfToken.map(escape) {
            content = content.replacingOccurrences(of: #"<form method="post"[^>]*>"#, with: "$0<input type=\"hidden\" name=\"csrf\" value=\"\(token)\">",
                                                   options: .regularExpression)
            meta = "<meta name=\"csrf-token\" content=\"\(token)\">"
        }
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">\(meta)
            <title>\(escape(title)) · LocalTriage</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/app.css"></head>
            <body>\(content)
            <script src="/ui/app.js"></script></body></html>
            """
        return Response(status: status, headers: securityHeaders(contentType: "text/html; charset=utf-8"),
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Same-origin only: no inline scripts, no framing, no referrer sent to another origin.
    static func securityHeaders(contentType: String) -> HTTPFields {
        [.contentType: contentType,
         .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
         .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "same-origin"]
    }
}
