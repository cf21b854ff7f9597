import Domain
import Foundation

/// The grounded fallback: a reply assembled from the source sentences closest to the ticket, each cited, used
/// when the model is down, too slow, or its draft fails verification. Every cited sentence is a verbatim copy of
/// its source.
public struct ExtractiveDrafter: Sendable {
    public let embedder: any TextEmbedder
    /// Sentences taken at most.
    public var maxSentences = 3

    public init(embedder: any TextEmbedder) {
        self.embedder = embedder
    }

    /// A sentence without Markdown list markers and emphasis.
    static func plain(_ sentence: String) -> String {
        var text = sentence.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
            .trimmingCharacters(in: .whitespaces)
        while let first = text.first, "-*•>".contains(first) { text = String(text.dropFirst()).trimmingCharacters(in: .whitespaces) }
        return text
    }

    public func draft(ticket: String, sources: [DraftSource]) throws -> String {
        var candidates: [(source: Int, order: Int, text: String)] = []
        for source in sources {
            for (order, sentence) in CitedSentence.splitSentences(source.text).enumerated() {
                let text = Self.plain(sentence)
                // Whole sentences only: not a heading, a list's lead-in ("follow these steps:") or a clipped tail.
                guard text.count >= 25, !text.hasPrefix("#"), !text.contains("["), let last = text.last,
                      ".!?".contains(last) else { continue }
                candidates.append((source.number, order, text))
            }
        }
        guard !candidates.isEmpty else {
            return "Thank you for your message. A colleague will look into this and follow up with you shortly."
        }
        let vectors = try embedder.embed([ticket] + candidates.map(\.text))
        let query = vectors[0]
        let scored = candidates.indices.map { i -> (Int, Float) in
            (i, dot(query, vectors[i + 1]))
        }.sorted { $0.1 > $1.1 }
        var chosen: [Int] = []
        var perSource: [Int: Int] = [:]
        for (i, _) in scored where chosen.count < maxSentences {
            let source = candidates[i].source
            guard perSource[source, default: 0] < 2 else { continue }
            perSource[source, default: 0] += 1
            chosen.append(i)
        }
        let lines = chosen.sorted { (candidates[$0].source, candidates[$0].order) < (candidates[$1].source, candidates[$1].order) }
            .map { i -> String in
                "\(candidates[i].text) [\(candidates[i].source)]"
            }
        return (["Thank you for reaching out. Here is what our documentation says:"] + lines
            + ["If this does not solve it, reply to this message and we will follow up."]).joined(separator: "\n")
    }
}
