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

    /// A page with the navigation for `viewer` (nil: signed out, no navigation); `body` is already HTML. Leads
    /// and admins also get the analytics and models links.
    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, viewer: Role?) -> Response {
        let leadLinks = (viewer ?? .agent) >= .lead ? #"<a href="/ui/analytics">Analytics</a><a href="/ui/models">Models</a>"# : ""
        let nav = viewer != nil ? """
            <nav><a href="/ui/inbox">Inbox</a><a href="/ui/answers">Answers</a>\(leadLinks)<a href="/docs">API</a>\
            <form method="post" action="/ui/logout"><button>Sign out</button></form></nav>
            """ : ""
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(escape(title)) · LocalTriage</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/ui/app.css"></head>
            <body><header><strong>LocalTriage</strong>\(nav)</header><main>\(body)</main>
            <script src="/ui/app.js"></script></body></html>
            """
        return Response(status: status, headers: securityHeaders(contentType: "text/html; charset=utf-8"),
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Same-origin only: no inline scripts, no framing, no referrer leaks.
    static func securityHeaders(contentType: String) -> HTTPFields {
        [.contentType: contentType,
         .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
         .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer"]
    }
}
