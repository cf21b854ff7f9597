import Foundation
import Rendering

/// The OpenAPI 3.1 document of the API (`openapi.json`, kept next to the code that serves it) and a
/// human-readable page generated from it.
public enum OpenAPIDocument {
    public static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }

    /// `METHOD /path` for every operation the document describes.
    public static func operations() throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: data()) as? [String: Any] ?? [:]
        let paths = object["paths"] as? [String: [String: Any]] ?? [:]
        return Set(paths.flatMap { path, item in
            item.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        })
    }

    /// The docs page: every operation with its summary, parameters and responses; no external scripts or styles.
    public static func html() throws -> String {
        let object = try JSONSerialization.jsonObject(with: data()) as? [String: Any] ?? [:]
        let paths = object["paths"] as? [String: [String: Any]] ?? [:]
        var sections = ""
        for path in paths.keys.sorted() {
            for (method, value) in (paths[path] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let operation = value as? [String: Any] else { continue }
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).map {
                    "<li><code>\(HTML.escape($0["name"] as? String ?? ""))</code> (\($0["in"] as? String ?? "")) \(HTML.escape($0["description"] as? String ?? ""))</li>"
                }.joined()
                let responses = (operation["responses"] as? [String: Any] ?? [:]).keys.sorted().joined(separator: ", ")
                sections += """
                    <section><h2><span class="m">\(method.uppercased())</span> <code>\(HTML.escape(path))</code></h2>
                    <p>\(HTML.escape(operation["summary"] as? String ?? ""))</p>
                    \(parameters.isEmpty ? "" : "<ul>\(parameters)</ul>")<p class="r">Responses: \(responses)</p></section>
                    """
            }
        }
        let info = object["info"] as? [String: Any] ?? [:]
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>LocalTriage API</title>
            <style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
            h2{font-size:1rem;margin:0}.m{background:#224;color:#fff;padding:0 .4rem;border-radius:3px}
            section{border-top:1px solid #ddd;padding:.8rem 0}.r{color:#666}</style></head><body>
            <h1>\(HTML.escape(info["title"] as? String ?? "API")) \(HTML.escape(info["version"] as? String ?? ""))</h1>
            <p>\(HTML.escape(info["description"] as? String ?? ""))</p><p><a href="/openapi.json">openapi.json</a></p>
            \(sections)</body></html>
            """
    }
}
