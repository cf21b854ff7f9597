import Domain

/// An in-memory BM25 index (Okapi BM25, k1 = 1.2, b = 0.75): term → postings of (document, term frequency).
/// A query scores only the documents in its terms' postings (term-at-a-time accumulation), so its cost is the
/// length of those postings, not the size of the corpus.
public struct BM25Index: Sendable {
    public var k1: Float = 1.2
    public var b: Float = 0.75
    private let analyzer = KeywordAnalyzer()
    private var termIDs: [String: Int32] = [:]
    private var postingDocs: [[Int32]] = []
    private var postingFreqs: [[UInt16]] = []
    private var documentLengths: [Float] = []
    public private(set) var ids: [Int64] = []
    private var totalLength: Double = 0
    private var stemCache: [String: String] = [:]

    public init() {}

    public var count: Int { ids.count }

    /// Approximate bytes held by postings and document data.
    public var memoryBytes: Int {
        postingDocs.reduce(0) { $0 + $1.count * 6 } + ids.count * 12
            + termIDs.keys.reduce(0) { $0 + $1.utf8.count + 24 }
    }

    /// Adds a document; ids must be unique.
    public mutating func add(id: Int64, text: String) {
        let document = Int32(ids.count)
        ids.append(id)
        let terms = analyzer.terms(text, stemCache: &stemCache)
        documentLengths.append(Float(terms.count))
        totalLength += Double(terms.count)
        var frequencies: [String: Int] = [:]
        for term in terms { frequencies[term, default: 0] += 1 }
        for (term, frequency) in frequencies {
            let termID: Int32
            if let existing = termIDs[term] {
                termID = existing
            } else {
                termID = Int32(postingDocs.count)
                termIDs[term] = termID
                postingDocs.append([])
                postingFreqs.append([])
            }
            postingDocs[Int(termID)].append(document)
            postingFreqs[Int(termID)].append(UInt16(min(frequency, Int(UInt16.max))))
        }
    }

    /// The score `text` would get for the query as a document of this index (its term statistics and average
    /// length; the index itself is unchanged): for scoring a variant of an indexed document.
    public func score(_ query: String, text: String) -> Float {
        guard !ids.isEmpty else { return 0 }
        let n = Float(ids.count)
        let averageLength = Float(totalLength / Double(ids.count))
        let terms = analyzer.terms(text)
        var frequencies: [String: Int] = [:]
        for term in terms { frequencies[term, default: 0] += 1 }
        let norm = k1 * (1 - b + b * Float(terms.count) / averageLength)
        var score: Float = 0
        for term in Set(analyzer.terms(query)) {
            guard let frequency = frequencies[term] else { continue }
            let df = Float(termIDs[term].map { postingDocs[Int($0)].count } ?? 0)
            let tf = Float(frequency)
            score += log(1 + (n - df + 0.5) / (df + 0.5)) * tf * (k1 + 1) / (tf + norm)
        }
        return score
    }

    /// The k best documents for the query, best first; `allowed` filters by id before ranking.
    public func search(_ query: String, k: Int, allowed: ((Int64) -> Bool)? = nil) -> [(id: Int64, score: Float)] {
        guard k > 0, !ids.isEmpty else { return [] }
        let n = Float(ids.count)
        let averageLength = Float(totalLength / Double(ids.count))
        var scores = [Float](repeating: 0, count: ids.count)
        var touched: [Int32] = []
        for term in Set(analyzer.terms(query)) {
            guard let termID = termIDs[term] else { continue }
            let docs = postingDocs[Int(termID)], freqs = postingFreqs[Int(termID)]
            let df = Float(docs.count)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            for (doc, frequency) in zip(docs, freqs) {
                let tf = Float(frequency)
                let norm = k1 * (1 - b + b * documentLengths[Int(doc)] / averageLength)
                if scores[Int(doc)] == 0 { touched.append(doc) }
                scores[Int(doc)] += idf * tf * (k1 + 1) / (tf + norm)
            }
        }
        var top = TopK(k: k)
        for doc in touched where allowed?(ids[Int(doc)]) ?? true {
            top.insert(index: Int(doc), score: scores[Int(doc)])
        }
        return top.sorted().map { (ids[$0.index], $0.score) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
