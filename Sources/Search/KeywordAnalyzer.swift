import Domain
import Foundation

/// Turns text into index terms for BM25: case and accent folding, words split on anything that is not a letter
/// or digit, CJK characters as unigrams and bigrams, common English words dropped, Porter stemming.
public struct KeywordAnalyzer: Sendable {
    public init() {}

    public func terms(_ text: String) -> [String] {
        var cache: [String: String] = [:]
        return terms(text, stemCache: &cache)
    }

    /// Terms of `text`, memoising stems in `stemCache` (an index keeps one across all its documents).
    public func terms(_ text: String, stemCache: inout [String: String]) -> [String] {
        var terms: [String] = []
        var word: [UInt8] = []
        var previousCJK: Unicode.Scalar?
        func flushWord() {
            guard !word.isEmpty else { return }
            let token = String(decoding: word, as: UTF8.self)
            word.removeAll(keepingCapacity: true)
            guard !englishStopWords.contains(token) else { return }
            if let stem = stemCache[token] {
                terms.append(stem)
            } else {
                let stem = PorterStemmer.stem(token)
                stemCache[token] = stem
                terms.append(stem)
            }
        }
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                previousCJK = nil
                let byte = UInt8(scalar.value)
                switch byte {
                case 65...90: word.append(byte + 32)
                case 97...122, 48...57: word.append(byte)
                default: flushWord()
                }
            } else if scalar.isCJK {
                flushWord()
                terms.append(String(scalar))
                if let previous = previousCJK { terms.append(String(previous) + String(scalar)) }
                previousCJK = scalar
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                previousCJK = nil
                // Case and accent folding: lowercase, compatibility-decompose, drop combining marks.
                for folded in scalar.properties.lowercaseMapping.decomposedStringWithCompatibilityMapping.unicodeScalars
                where folded.properties.generalCategory != .nonspacingMark {
                    word.append(contentsOf: String(folded).utf8)
                }
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue  // a combining accent inside a word
            } else {
                previousCJK = nil
                flushWord()
            }
        }
        flushWord()
        return terms
    }
}
