/// Very common English words that keyword search leaves out of queries and indexes.
public let englishStopWords: Set<String> = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "how", "i",
    "if", "in", "is", "it", "me", "my", "of", "on", "or", "so", "that", "the", "this", "to", "was", "what",
    "when", "where", "which", "why", "with", "you", "your", "we", "our", "im", "am", "has", "have",
]

extension String {
    /// The text with Windows and old Mac line breaks ("\r\n", "\r") as "\n": Swift keeps "\r\n" as one
    /// character, so splitting lines, lists and paragraphs on "\n" would otherwise miss them.
    public var withUnixLineEndings: String {
        contains("\r") ? replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : self
    }
}

extension String {
    /// Whether the text holds a NUL character (U+0000). SQLite's C-string calls would cut the text there, so
    /// ingest quarantines a record holding one, the API refuses such a value with 400 and the store refuses it.
    public var containsNUL: Bool { utf8.contains(0) }
}

extension Unicode.Scalar {
    /// Han, kana and hangul: scripts written without spaces, which tokenisers split per character.
    public var isCJK: Bool {
        switch value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }
}

/// SplitMix64: a small deterministic generator, so samples, shuffles and bootstraps repeat exactly.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Order statistics of a sample (latencies, throughputs), nearest-rank percentiles.
public struct Percentiles: Codable, Sendable, Equatable {
    public var n: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var mean: Double
    public var min: Double
    public var max: Double

    /// Percentiles of `values`; all zero for an empty sample.
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        func rank(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        n = sorted.count
        p50 = rank(0.50)
        p95 = rank(0.95)
        p99 = rank(0.99)
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        min = sorted.first ?? 0
        max = sorted.last ?? 0
    }
}

extension Duration {
    /// The duration in milliseconds, for timings and reports.
    public var milliseconds: Double { Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15 }

    /// The duration in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
