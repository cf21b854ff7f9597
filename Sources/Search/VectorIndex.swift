import CBLAS
import Domain

/// Exact nearest-neighbour search by cosine similarity over unit vectors: one matrix-vector product (BLAS)
/// over a contiguous row-major matrix, then a partial top-k selection. A vector of another width is refused with
/// an `EmbeddingDimensionError` (it comes from another model).
public struct VectorIndex: Sendable {
    public let dimension: Int
    public private(set) var ids: [Int64] = []
    private var matrix: [Float] = []

    public init(dimension: Int) {
        precondition(dimension > 0)
        self.dimension = dimension
    }

    public var count: Int { ids.count }

    /// Bytes held by the vectors.
    public var memoryBytes: Int { matrix.count * MemoryLayout<Float>.size + ids.count * MemoryLayout<Int64>.size }

    public mutating func reserveCapacity(_ n: Int) {
        ids.reserveCapacity(n)
        matrix.reserveCapacity(n * dimension)
    }

    /// Adds a vector (it must already be unit length for scores to be cosines).
    public mutating func add(id: Int64, vector: [Float]) throws {
        try EmbeddingDimensionError.check(vector, expected: dimension, context: "a vector index")
        ids.append(id)
        matrix.append(contentsOf: vector)
    }

    /// The query's similarity to every vector, in the order they were added.
    public func similarities(to query: [Float]) throws -> [Float] {
        try EmbeddingDimensionError.check(query, expected: dimension, context: "a vector index")
        var scores = [Float](repeating: 0, count: ids.count)
        guard !ids.isEmpty else { return scores }
        matrix.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { s in
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(ids.count), Int32(dimension), 1, m.baseAddress,
                                Int32(dimension), q.baseAddress, 1, 0, s.baseAddress, 1)
                }
            }
        }
        return scores
    }

    /// The k most similar vectors, best first; `allowed` filters by id before ranking.
    public func search(_ query: [Float], k: Int, allowed: ((Int64) -> Bool)? = nil) throws -> [(id: Int64, score: Float)] {
        try EmbeddingDimensionError.check(query, expected: dimension, context: "a vector index")
        guard k > 0, !ids.isEmpty else { return [] }
        let scores = try similarities(to: query)
        var top = TopK(k: k)
        for (index, score) in scores.enumerated() where allowed?(ids[index]) ?? true {
            top.insert(index: index, score: score)
        }
        return top.sorted().map { (ids[$0.index], $0.score) }
    }
}

/// Keeps the k highest scores seen, in a min-heap.
struct TopK {
    let k: Int
    private var heap: [(index: Int, score: Float)] = []

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(k)
    }

    mutating func insert(index: Int, score: Float) {
        if heap.count < k {
            heap.append((index, score))
            siftUp(heap.count - 1)
        } else if score > heap[0].score {
            heap[0] = (index, score)
            siftDown(0)
        }
    }

    /// Best first; ties by lower index.
    func sorted() -> [(index: Int, score: Float)] {
        heap.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }

    private mutating func siftUp(_ i: Int) {
        var child = i
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].score < heap[parent].score else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ i: Int) {
        var parent = i
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].score < heap[smallest].score { smallest = left }
            if right < heap.count && heap[right].score < heap[smallest].score { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
