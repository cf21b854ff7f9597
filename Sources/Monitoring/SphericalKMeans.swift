import Domain

/// k-means on unit vectors with cosine similarity (centroids re-normalised each step), seeded k-means++.
public struct SphericalKMeans: Sendable {
    /// The cluster of every point.
    public var assignments: [Int]
    /// Unit-length centroids, one per cluster.
    public var centroids: [[Float]]

    /// Clusters `points` (unit length) into `k` clusters; deterministic for a seed.
    public init(points: [[Float]], k: Int, seed: UInt64, maxIterations: Int = 50) {
        precondition(k > 0 && points.count >= k, "need at least k points")
        var random = SeededRandom(seed: seed)
        let matrix = DenseMatrix(points)
        // k-means++: each new centre drawn with probability proportional to its distance (1 − cos)² from the nearest one.
        var centres = [points[Int.random(in: 0..<points.count, using: &random)]]
        var nearest = matrix.times(centres[0]).map { 1 - Double($0) }
        while centres.count < k {
            let weights = nearest.map { max(0, $0) * max(0, $0) }
            let total = weights.reduce(0, +)
            var pick = Int.random(in: 0..<points.count, using: &random)
            if total > 0 {
                var target = Double.random(in: 0..<total, using: &random)
                for (i, w) in weights.enumerated() {
                    target -= w
                    if target < 0 { pick = i; break }
                }
            }
            centres.append(points[pick])
            for (i, s) in matrix.times(points[pick]).enumerated() { nearest[i] = min(nearest[i], 1 - Double(s)) }
        }
        var assignments = [Int](repeating: -1, count: points.count)
        for _ in 0..<maxIterations {
            let similarity = matrix.timesTransposed(DenseMatrix(centres))
            var changed = false
            var best = [Float](repeating: 0, count: points.count)
            for i in 0..<points.count {
                var top = 0
                for c in 1..<k where similarity[i * k + c] > similarity[i * k + top] { top = c }
                best[i] = similarity[i * k + top]
                if assignments[i] != top { assignments[i] = top; changed = true }
            }
            if !changed { break }
            var sums = [[Float]](repeating: [Float](repeating: 0, count: matrix.columns), count: k)
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<points.count {
                counts[assignments[i]] += 1
                for (j, v) in matrix.row(i).enumerated() { sums[assignments[i]][j] += v }
            }
            for c in 0..<k {
                if counts[c] == 0 {
                    // An empty cluster restarts at the point its own centroid fits worst.
                    let worst = best.indices.min { best[$0] < best[$1] }!
                    sums[c] = points[worst]
                    best[worst] = 1
                }
                centres[c] = Self.normalised(sums[c])
            }
        }
        self.assignments = assignments
        centroids = centres
    }

    static func normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
