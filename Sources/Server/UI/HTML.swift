import Foundation
import Hummingbird

/// Server-rendered HTML: escaping and the page frame. No external scripts, styles or fonts.
enum HTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A page with the navigation; `body` is already HTML.
    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, signedIn: Bool = true) -> Response {
        let nav = signedIn ? """
            <nav><a href="/ui/inbox">Inbox</a><a href="/ui/analytics">Analytics</a><a href="/ui/models">Models</a><a href="/docs">API</a>\
            <form method="post" action="/ui/logout"><button>Sign out</button></form></nav>
            """ : ""
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(escape(title)) · LocalTriage</title><link rel="stylesheet" href="/ui/app.css"></head>
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
