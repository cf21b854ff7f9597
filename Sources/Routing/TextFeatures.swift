import Domain
import Foundation

/// A sparse feature vector: sorted feature indices with their values.
public struct SparseVector: Sendable, Equatable, Codable {
    public var indices: [Int32]
    public var values: [Float]

    public init(indices: [Int32] = [], values: [Float] = []) {
        self.indices = indices
        self.values = values
    }
}

/// How text becomes features for routing.
public struct FeatureConfig: Codable, Sendable, Equatable {
    /// Word n-grams from 1 to this.
    public var wordNGrams = 2
    /// Character n-gram lengths inside word boundaries (e.g. 2...5 of " word ").
    public var charNGramMin = 2
    public var charNGramMax = 5
    /// Features seen in fewer training documents are dropped.
    public var minDocumentFrequency = 1
    /// tf → 1 + log(tf).
    public var sublinearTF = true

    public init() {}
}

/// Unicode-aware tokens for routing: NFKC, case and accent folding, words of letters and digits, CJK characters
/// as single tokens (bigrams come from the word n-grams).
public enum RoutingTokenizer {
    public static func tokens(_ text: String) -> [String] {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? asciiTokens(text) : unicodeTokens(text)
    }

    static func unicodeTokens(_ text: String) -> [String] {
        let folded = text.precomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if scalar.isCJK {
                if !word.isEmpty { tokens.append(String(word)); word.removeAll() }
                tokens.append(String(scalar))
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.append(scalar)
            } else if !word.isEmpty {
                tokens.append(String(word))
                word.removeAll()
            }
        }
        if !word.isEmpty { tokens.append(String(word)) }
        return tokens
    }

    /// The same tokens for ASCII text, without Foundation's normalisation and folding (identity and lowercasing
    /// there), which cost more than the rest of a triage.
    static func asciiTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var word: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): word.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte + 32)
            default:
                if !word.isEmpty { tokens.append(String(decoding: word, as: UTF8.self)); word.removeAll(keepingCapacity: true) }
            }
        }
        if !word.isEmpty { tokens.append(String(decoding: word, as: UTF8.self)) }
        return tokens
    }
}

/// TF-IDF over word and character n-grams, fitted on training texts; vectors are L2-normalised.
public struct TFIDFVectorizer: Codable, Sendable {
    public let config: FeatureConfig
    public private(set) var vocabulary: [String: Int32] = [:]
    public private(set) var idf: [Float] = []

    public var dimension: Int { idf.count }

    public init(config: FeatureConfig = FeatureConfig()) {
        self.config = config
    }

    /// The raw n-gram terms of a text (before vocabulary lookup).
    public func terms(_ text: String) -> [String] {
        let tokens = RoutingTokenizer.tokens(text)
        var terms: [String] = []
        terms.reserveCapacity(tokens.count * 8)
        if config.wordNGrams >= 1 {
            for n in 1...config.wordNGrams where tokens.count >= n {
                for i in 0...(tokens.count - n) {
                    terms.append(n == 1 ? "w:" + tokens[i] : "w:" + tokens[i..<(i + n)].joined(separator: " "))
                }
            }
        }
        if config.charNGramMax >= config.charNGramMin && config.charNGramMin > 0 {
            for token in tokens {
                // n-grams of characters (grapheme clusters), sliced from the padded string by index: building
                // each from an array of Characters took most of the time of a triage.
                let padded = " \(token) "
                var bounds = Array(padded.indices)
                bounds.append(padded.endIndex)
                let count = bounds.count - 1
                for n in config.charNGramMin...config.charNGramMax where count >= n {
                    for i in 0...(count - n) { terms.append("c:" + padded[bounds[i]..<bounds[i + n]]) }
                }
            }
        }
        return terms
    }

    /// Learns the vocabulary and idf weights (smoothed: ln((1 + n) / (1 + df)) + 1).
    public mutating func fit(_ texts: [String]) {
        var df: [String: Int] = [:]
        for text in texts {
            for term in Set(terms(text)) { df[term, default: 0] += 1 }
        }
        let kept = df.filter { $0.value >= config.minDocumentFrequency }.keys.sorted()
        vocabulary = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, Int32($0)) })
        let n = Float(texts.count)
        idf = kept.map { log((1 + n) / (1 + Float(df[$0]!))) + 1 }
    }

    public func transform(_ text: String) -> SparseVector {
        // Term counts from the sorted vocabulary indices (runs of equal indices).
        let found = terms(text).compactMap { vocabulary[$0] }.sorted()
        var indices: [Int32] = [], values: [Float] = []
        var start = 0
        while start < found.count {
            var end = start + 1
            while end < found.count && found[end] == found[start] { end += 1 }
            let tf = Float(end - start)
            indices.append(found[start])
            values.append((config.sublinearTF ? 1 + log(tf) : tf) * idf[Int(found[start])])
            start = end
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { values = values.map { $0 / norm } }
        return SparseVector(indices: indices, values: values)
    }
}
