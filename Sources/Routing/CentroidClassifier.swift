import CBLAS
import Foundation

/// A nearest-centroid classifier on sentence embeddings: strong when a class has only a handful of examples, and
/// blended with the linear model by a weight chosen on held-out predictions.
public struct CentroidClassifier: Codable, Sendable {
    /// Unit-length class centroids, row-major [classes × dimension].
    public let centroids: [Float]
    public let dimension: Int
    /// Cosine similarities are multiplied by this before the softmax (fitted by log-likelihood).
    public var scale: Float

    /// Centroids of `embeddings` grouped by `labels` (0..<classes); a class without examples gets a zero centroid.
    public init(embeddings: [[Float]], labels: [Int], classes: Int, scale: Float = 20) {
        let dimension = embeddings.first?.count ?? 0
        var sums = [Float](repeating: 0, count: classes * dimension)
        for (embedding, label) in zip(embeddings, labels) {
            for d in 0..<dimension { sums[label * dimension + d] += embedding[d] }
        }
        for c in 0..<classes {
            let norm = (0..<dimension).reduce(Float(0)) { $0 + sums[c * dimension + $1] * sums[c * dimension + $1] }.squareRoot()
            if norm > 0 { for d in 0..<dimension { sums[c * dimension + d] /= norm } }
        }
        (centroids, self.dimension, self.scale) = (sums, dimension, scale)
    }

    /// Cosine similarity to each class centroid.
    public func similarities(_ embedding: [Float]) -> [Float] {
        let classes = dimension == 0 ? 0 : centroids.count / dimension
        guard embedding.count == dimension, classes > 0 else { return [Float](repeating: 0, count: classes) }
        var scores = [Float](repeating: 0, count: classes)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(classes), Int32(dimension), 1, centroids, Int32(dimension),
                    embedding, 1, 0, &scores, 1)
        return scores
    }

    public func probabilities(_ embedding: [Float]) -> [Float] {
        SoftmaxRegression.softmax(similarities(embedding).map { $0 * scale })
    }
}
