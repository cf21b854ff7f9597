import Foundation

/// A sentence of a draft with the source numbers it cites.
public struct CitedSentence: Codable, Sendable, Equatable {
    /// The sentence without its citation markers.
    public var text: String
    public var citations: [Int]

    public init(text: String, citations: [Int]) {
        self.text = text
        self.citations = citations
    }

    /// Splits a draft into sentences and their `[n]` / `[n, m]` citations. A citation written after the full stop
    /// (`… the portal. [2]`) belongs to the sentence before it.
    public static func parse(_ draft: String) -> [CitedSentence] {
        var sentences: [CitedSentence] = []
        for piece in splitSentences(draft) {
            var citations: [Int] = []
            var text = ""
            var rest = Substring(piece)
            var leading = true
            while !rest.isEmpty {
                if let (numbers, after) = citation(at: rest) {
                    if leading, !sentences.isEmpty {
                        sentences[sentences.count - 1].citations += numbers
                    } else {
                        citations += numbers
                    }
                    rest = after
                    continue
                }
                let character = rest.removeFirst()
                if !character.isWhitespace { leading = false }
                if !leading { text.append(character) }
            }
            let cleaned = text.replacingOccurrences(of: #"\s+([.,;:!?])"#, with: "$1", options: .regularExpression)
                .replacingOccurrences(of: #"\s{2,}"#, with: " ", options: .regularExpression)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !cleaned.isEmpty || !citations.isEmpty else { continue }
            if cleaned.isEmpty, !sentences.isEmpty {
                sentences[sentences.count - 1].citations += citations
            } else {
                sentences.append(CitedSentence(text: cleaned, citations: citations))
            }
        }
        return sentences.map { var s = $0; s.citations = unique(s.citations); return s }
    }

    /// The text up to its last finished sentence or citation: a reply cut off by the token limit loses its
    /// unfinished tail instead of delivering half a sentence.
    public static func droppingUnfinishedTail(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.lastIndex(where: { ".!?]".contains($0) }) else { return trimmed }
        return String(trimmed[...last])
    }

    /// Sentence pieces: split at whitespace after `.`, `!` or `?`, and at line breaks. A citation after the full
    /// stop starts the next piece; `parse` hands it back to the sentence before.
    public static func splitSentences(_ text: String) -> [String] {
        var pieces: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var current = ""
            var previous: Character = " "
            for character in line {
                if character.isWhitespace && ".!?".contains(previous) && !endsWithAbbreviation(current) && !isListMarker(current) {
                    pieces.append(current)
                    current = ""
                }
                current.append(character)
                previous = character
            }
            pieces.append(current)
        }
        return pieces.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// `text` with `[number]` after every sentence, before its final punctuation ("Choose Retry payment [1]."),
    /// keeping its lines and list markers.
    public static func citing(_ text: String, _ number: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let pieces = splitSentences(String(line))
            guard !pieces.isEmpty else { return String(line) }
            let indent = line.prefix { $0 == " " }
            return indent + pieces.map { piece -> String in
                var sentence = piece.trimmingCharacters(in: .whitespaces)
                var end = ""
                while let last = sentence.last, ".!?:".contains(last) { end = String(last) + end; sentence.removeLast() }
                return sentence + " [\(number)]" + end
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// A numbered list's marker ("1.", "12.") that starts a line is not a sentence.
    private static func isListMarker(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.count <= 3 && trimmed.hasSuffix(".") && trimmed.dropLast().allSatisfy(\.isNumber) && trimmed.count > 1
    }

    /// "Mr.", "e.g.", "J." and the like end a word, not a sentence.
    private static func endsWithAbbreviation(_ text: String) -> Bool {
        let word = text.split(separator: " ").last.map { $0.dropLast().lowercased() } ?? ""
        return (word.count == 1 && word.first!.isLetter) || abbreviations.contains(word)
    }

    private static let abbreviations: Set<String> = ["mr", "mrs", "ms", "dr", "st", "e.g", "i.e", "etc", "vs", "no", "approx", "inc", "ltd", "jr", "sr"]

    /// `[1]`, `[1, 2]` or `[1][2]` at the start of `text`.
    private static func citation(at text: Substring) -> ([Int], Substring)? {
        guard text.first == "[", let close = text.firstIndex(of: "]") else { return nil }
        let inner = text[text.index(after: text.startIndex)..<close]
        let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.count <= 10 else { return nil }
        let numbers = parts.compactMap { $0.count <= 3 ? Int($0) : nil }
        guard numbers.count == parts.count else { return nil }
        return (numbers, text[text.index(after: close)...])
    }

    private static func unique(_ numbers: [Int]) -> [Int] {
        var seen = Set<Int>()
        return numbers.filter { seen.insert($0).inserted }
    }
}
