import Foundation
import Hummingbird
import Rendering
import Store

/// The web UI's page frame (escaping and charts are `Rendering`'s). No external scripts, styles or fonts.
extension HTML {
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
