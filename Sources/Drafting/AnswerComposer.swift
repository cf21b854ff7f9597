import Domain
import Foundation

/// Composes a reply from the knowledge base, answer first: the section of the passage that answers the ticket,
/// in its own order and structure (numbered steps stay numbered), then at most a sentence or two that another
/// source adds, after an opening that names the customer's problem in their words. Every sentence taken is the
/// source's own, cited; nothing is paraphrased, so nothing is claimed that the sources do not say.
public struct AnswerComposer: Sendable {
    public let embedder: any TextEmbedder
    /// Sentences and list items taken from the answering section at most (a numbered list is kept whole up to 12).
    /// Chosen on a validation split of Bitext's training rows (n = 300): 12 gave ROUGE-L .351 / cosine .819, 6 gave
    /// .317 / .809 (the top passage pasted whole: .348 / .811); the section holding the sentence closest to the ticket
    /// beat the top-ranked passage's section (.333 / .817 at 12).
    public var maxSectionUnits = 12
    /// Sentences added from other sections or sources at most.
    public var maxAdded = 1
    /// An added sentence must be at least this similar to the ticket, relative to the answering section's best.
    public var addedRelativeSimilarity = 0.9
    /// … and less similar than this to every sentence already taken (it must add something).
    public var redundancy: Float = 0.8
    /// The last line: an invitation to reply that promises nothing.
    public static let closing = "If anything is still unclear, just reply to this message."

    public init(embedder: any TextEmbedder) {
        self.embedder = embedder
    }

    /// A piece of a source: a sentence, or a list item whole.
    struct Unit {
        var source: Int
        /// Sections are counted over all sources: a heading starts a new one.
        var section: Int
        var order: Int
        var text: String
        var isListItem: Bool
        /// Starts a new paragraph in the source.
        var paragraphStart: Bool
    }

    /// The reply, with `[n]` citations; `opening` is its first line. Nil when the sources hold no usable sentence.
    public func compose(ticket: String, opening: String, sources: [DraftSource]) throws -> String? {
        let units = Self.units(of: sources)
        guard !units.isEmpty else { return nil }
        let vectors = try embedder.embed([ticket] + units.map(\.text))
        let similarity = units.indices.map { dot(vectors[0], vectors[$0 + 1]) }

        // The answering section: the one holding the sentence closest to the ticket.
        let best = units.indices.max { similarity[$0] < similarity[$1] }!
        let section = units.indices.filter { units[$0].section == units[best].section }
        let taken = Self.window(section, around: best, units: units, similarity: similarity, limit: maxSectionUnits)

        // What another section or source adds: close to the ticket, unlike anything taken.
        let floor = Float(addedRelativeSimilarity) * similarity[best]
        var added: [Int] = []
        for i in units.indices.sorted(by: { similarity[$0] > similarity[$1] }) where added.count < maxAdded {
            guard units[i].section != units[best].section, similarity[i] >= floor, !units[i].isListItem else { continue }
            guard (taken + added).allSatisfy({ dot(vectors[i + 1], vectors[$0 + 1]) < redundancy }) else { continue }
            added.append(i)
        }

        var lines = OpeningLine.opensItself(units[taken[0]].text) ? [] : [opening, ""]
        for (position, i) in taken.enumerated() {
            let unit = units[i]
            let cited = CitedSentence.citing(unit.text, unit.source)
            if position == 0 || unit.isListItem || unit.paragraphStart || units[taken[position - 1]].isListItem {
                if position > 0, unit.paragraphStart, !unit.isListItem { lines.append("") }
                lines.append(cited)
            } else {
                lines[lines.count - 1] += " " + cited
            }
        }
        for i in added { lines += ["", CitedSentence.citing(units[i].text, units[i].source)] }
        lines += ["", Self.closing]
        return lines.joined(separator: "\n")
    }

    /// The units of a section to take: all of it when short; else its numbered list whole with the sentences that
    /// lead into it, or the run of `limit` units with the most similarity to the ticket.
    static func window(_ section: [Int], around best: Int, units: [Unit], similarity: [Float], limit: Int) -> [Int] {
        guard section.count > limit else { return section }
        if units[best].isListItem || (section.firstIndex(of: best).map { $0 + 1 < section.count && units[section[$0 + 1]].isListItem } ?? false) {
            let list = section.filter { units[$0].isListItem }
            if let first = list.first, let position = section.firstIndex(of: first) {
                // The paragraph leading into the list, its last two sentences at most.
                var lead: [Int] = []
                for j in stride(from: position - 1, through: max(0, position - 2), by: -1) {
                    let unit = units[section[j]]
                    guard !unit.isListItem else { break }
                    lead.insert(section[j], at: 0)
                    if unit.paragraphStart { break }
                }
                return lead + Array(list.prefix(12))
            }
        }
        var bestStart = 0, bestSum = -Float.infinity
        for start in 0...(section.count - limit) {
            let sum = section[start..<(start + limit)].reduce(Float(0)) { $0 + similarity[$1] }
            if sum > bestSum { (bestStart, bestSum) = (start, sum) }
        }
        return Array(section[bestStart..<(bestStart + limit)])
    }

    /// Splits each source into sections (at Markdown headings), list items and sentences, without Markdown
    /// emphasis; drops headings, fragments and clipped tails.
    static func units(of sources: [DraftSource]) -> [Unit] {
        var units: [Unit] = []
        var section = 0
        for source in sources {
            section += 1
            var paragraphStart = true
            for rawLine in source.text.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = plain(String(rawLine))
                if line.isEmpty { paragraphStart = true; continue }
                if line.hasPrefix("#") { section += 1; paragraphStart = true; continue }
                if let item = listItem(line) {
                    units.append(Unit(source: source.number, section: section, order: units.count, text: item, isListItem: true,
                                      paragraphStart: paragraphStart))
                    paragraphStart = false
                    continue
                }
                for sentence in CitedSentence.splitSentences(line).map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    // Whole sentences only: a lead-in ending in ":" counts (it introduces a list), fragments do not.
                    guard sentence.split(separator: " ").count >= 3, let last = sentence.last, ".!?:".contains(last),
                          !sentence.contains("[") else { continue }
                    units.append(Unit(source: source.number, section: section, order: units.count, text: sentence,
                                      isListItem: false, paragraphStart: paragraphStart))
                    paragraphStart = false
                }
            }
        }
        // A lead-in without a list after it says nothing by itself.
        return units.enumerated().filter { i, unit in
            !unit.text.hasSuffix(":") || (i + 1 < units.count && units[i + 1].isListItem && units[i + 1].section == unit.section)
        }.map(\.element)
    }

    /// "1. Do this" / "- Do that" as the item with its marker normalised ("1.", "-"); nil for other lines.
    static func listItem(_ line: String) -> String? {
        guard let range = line.range(of: #"^\s*(\d{1,2}[.)]|[-*•])\s+"#, options: .regularExpression) else { return nil }
        let marker = line[range].trimmingCharacters(in: .whitespaces)
        let rest = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard rest.split(separator: " ").count >= 2 else { return nil }
        let number = marker.dropLast()
        return (marker.first!.isNumber ? "\(number)." : "-") + " " + rest
    }

    /// A line without Markdown emphasis and code marks.
    static func plain(_ line: String) -> String {
        line.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
            .replacingOccurrences(of: "`", with: "")
            .replacingOccurrences(of: #"(?<![\w*])\*([^*\n]+)\*(?![\w*])"#, with: "$1", options: .regularExpression)
            .trimmingCharacters(in: .whitespaces)
    }
}
