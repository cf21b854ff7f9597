import Foundation

/// BERT's uncased tokenizer, as HuggingFace `BertTokenizer` runs it for all-MiniLM-L6-v2: clean the text, put
/// spaces around CJK ideographs, lowercase, strip accents, split on whitespace and punctuation, then WordPiece
/// (greedy longest match, `##` continuations, `[UNK]` for words it cannot cover or longer than 100 characters).
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String: Int32]
    public let clsID: Int32, sepID: Int32, unknownID: Int32, padID: Int32
    public var maxCharactersPerWord = 100

    public init(vocabularyURL: URL) throws {
        guard let text = try? String(contentsOf: vocabularyURL, encoding: .utf8) else {
            throw EmbeddingsError("cannot read the vocabulary \(vocabularyURL.path)")
        }
        var vocabulary: [String: Int32] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let token = String(line.hasSuffix("\r") ? line.dropLast() : line)
            if !token.isEmpty && vocabulary[token] == nil { vocabulary[token] = Int32(index) }
        }
        guard let cls = vocabulary["[CLS]"], let sep = vocabulary["[SEP]"], let unk = vocabulary["[UNK]"],
              let pad = vocabulary["[PAD]"] else {
            throw EmbeddingsError("the vocabulary lacks [CLS], [SEP], [UNK] or [PAD]")
        }
        self.vocabulary = vocabulary
        (clsID, sepID, unknownID, padID) = (cls, sep, unk, pad)
    }

    /// Token ids with `[CLS]` and `[SEP]`, truncated to `maxLength` in all.
    public func encode(_ text: String, maxLength: Int = 256) -> [Int32] {
        var ids: [Int32] = [clsID]
        for word in basicTokens(text) {
            ids.append(contentsOf: wordPieces(word))
            if ids.count >= maxLength - 1 { break }
        }
        if ids.count > maxLength - 1 { ids.removeLast(ids.count - (maxLength - 1)) }
        ids.append(sepID)
        return ids
    }

    /// The basic tokenizer: words and punctuation marks, lowercased and without accents.
    public func basicTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            guard !current.isEmpty else { return }
            tokens.append(contentsOf: Self.splitPunctuation(Self.foldCaseAndAccents(String(current))))
            current.removeAll()
        }
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                flush()
            } else if Self.isCJK(scalar) {
                flush()
                tokens.append(String(scalar))
            } else {
                current.append(scalar)
            }
        }
        flush()
        return tokens
    }

    func wordPieces(_ word: String) -> [Int32] {
        let scalars = Array(word.unicodeScalars)
        guard scalars.count <= maxCharactersPerWord else { return [unknownID] }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32?
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return [unknownID] }
            pieces.append(id)
            start = end
        }
        return pieces
    }

    static func foldCaseAndAccents(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    static func splitPunctuation(_ text: String) -> [String] {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isPunctuation(scalar) {
                if !current.isEmpty { parts.append(String(current)); current.removeAll() }
                parts.append(String(scalar))
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { parts.append(String(current)) }
        return parts
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
