import Foundation

/// HTML text: escaping, link segments, Markdown shown as plain text. Every page and report the product renders
/// escapes what it did not write itself through `escape`.
public enum HTML {
    /// `text` safe inside an element or a double-quoted attribute.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// One path segment of a link (a ticket id), percent-encoded so a space, '/', '?', '#' or é stays in the
    /// segment, and escaped for an attribute.
    public static func segment(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")
        return escape(text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }

    /// Knowledge-base Markdown as plain text: no heading marks, bold or code markers.
    public static func plain(_ markdown: String) -> String {
        markdown.replacingOccurrences(of: #"(?m)^#+\s*"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"\*\*|__|`"#, with: "", options: .regularExpression)
    }

    /// "1 draft", "3 drafts".
    public static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
