import CBLAS
import Domain

/// Exact nearest-neighbour search by cosine similarity over unit vectors: one matrix-vector product (BLAS)
/// over a contiguous row-major matrix, then a partial top-k selection. Vectors are added, replaced and removed by
/// id; one of another width is refused with an `EmbeddingDimensionError` (it comes from another model).
public struct VectorIndex: Sendable {
    public let dimension: Int
    public private(set) var ids: [Int64] = []
    private var matrix: [Float] = []
    /// Each id's row in `matrix`.
    private var rows: [Int64: Int] = [:]

    public init(dimension: Int) {
        precondition(dimension > 0)
        self.dimension = dimension
    }

    public var count: Int { ids.count }

    /// Bytes held by the vectors.
    public var memoryBytes: Int { Self.memoryBytes(count: ids.count, dimension: dimension) }

    /// Bytes an index of `count` vectors of this width holds (the vectors, the ids and the id-to-row map).
    public static func memoryBytes(count: Int, dimension: Int) -> Int {
        count * dimension * MemoryLayout<Float>.size + count * 3 * MemoryLayout<Int64>.size
    }

    public mutating func reserveCapacity(_ n: Int) {
        ids.reserveCapacity(n)
        matrix.reserveCapacity(n * dimension)
        rows.reserveCapacity(n)
    }

    public func contains(_ id: Int64) -> Bool { rows[id] != nil }

    /// Adds a vector, or replaces the one stored under `id` (it must already be unit length for scores to be
    /// cosines).
    public mutating func add(id: Int64, vector: [Float]) throws {
        try EmbeddingDimensionError.check(vector, expected: dimension, context: "a vector index")
        if let row = rows[id] {
            matrix.replaceSubrange(row * dimension ..< (row + 1) * dimension, with: vector)
            return
        }
        rows[id] = ids.count
        ids.append(id)
        matrix.append(contentsOf: vector)
    }

    /// Removes the vector stored under `id`, if any (the last row moves into its place).
    public mutating func remove(id: Int64) {
        guard let row = rows.removeValue(forKey: id) else { return }
        let last = ids.count - 1
        if row != last {
            let moved = ids[last]
            ids[row] = moved
            rows[moved] = row
            for d in 0 ..< dimension { matrix[row * dimension + d] = matrix[last * dimension + d] }
        }
        ids.removeLast()
        matrix.removeLast(dimension)
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
