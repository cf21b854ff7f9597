import Foundation

/// An embedder that remembers the vectors of the texts it has seen, so a draft's sentences, its sources'
/// sentences and the claims check share one encoding, and passages drafted from again cost nothing. Holds at
/// most `capacity` vectors; past that the oldest go first.
public final class CachingEmbedder: TextEmbedder, @unchecked Sendable {
    public let base: any TextEmbedder
    public let capacity: Int
    private let lock = NSLock()
    private var vectors: [String: [Float]] = [:]
    private var order: [String] = []
    private var oldest = 0

    public init(_ base: any TextEmbedder, capacity: Int = 10_000) {
        self.base = base
        self.capacity = max(1, capacity)
    }

    public var identity: EmbedderIdentity { base.identity }

    public func embed(_ texts: [String]) throws -> [[Float]] {
        var found = lock.withLock { texts.map { vectors[$0] } }
        var missing: [String] = []
        for (text, vector) in zip(texts, found) where vector == nil && !missing.contains(text) { missing.append(text) }
        guard !missing.isEmpty else { return found.map { $0! } }
        let encoded = try base.embed(missing)
        let fresh = Dictionary(zip(missing, encoded), uniquingKeysWith: { first, _ in first })
        lock.withLock {
            // In the order asked for, so "oldest" means the same on every run.
            for (text, vector) in zip(missing, encoded) where vectors.updateValue(vector, forKey: text) == nil { order.append(text) }
            while vectors.count > capacity, oldest < order.count {
                vectors[order[oldest]] = nil
                oldest += 1
            }
            if oldest > capacity { order.removeFirst(oldest); oldest = 0 }
        }
        for i in found.indices where found[i] == nil { found[i] = fresh[texts[i]] }
        return found.map { $0! }
    }
}
