import CBLAS
import Foundation

/// How familiar a ticket is to the router: the cosine similarity of its sentence embedding to the nearest
/// training example. It needs no out-of-scope examples. The threshold is a quantile of the training examples'
/// own leave-one-out similarities (each one's nearest other example), so it means the same on a few dozen
/// examples as on ten thousand: "less like the training data than all but `falseAlarmShare` of the tickets the
/// router does know".
public struct Familiarity: Codable, Sendable {
    public let dimension: Int
    /// Unit-length reference embeddings, row-major [count × dimension]; at most `maxPerClass` of each class.
    public private(set) var references: [Float]
    /// Below this similarity to the nearest reference a ticket is an unknown kind of ticket.
    public let threshold: Float
    /// The share of the references whose leave-one-out similarity is below `threshold`.
    public let falseAlarmShare: Double

    public static let maxPerClass = 64

    public var count: Int { dimension == 0 ? 0 : references.count / dimension }

    /// References from `embeddings` (unit length) of classes `labels`, the first `maxPerClass` of each class in the
    /// given order; nil when fewer than two references remain.
    public init?(embeddings: [[Float]], labels: [Int], falseAlarmShare: Double) {
        guard let dimension = embeddings.first?.count, dimension > 0 else { return nil }
        var taken: [Int: Int] = [:]
        var references: [Float] = []
        for (embedding, label) in zip(embeddings, labels) where taken[label, default: 0] < Self.maxPerClass {
            taken[label, default: 0] += 1
            references += embedding
        }
        let count = references.count / dimension
        guard count >= 2 else { return nil }
        self.dimension = dimension
        self.references = references
        self.falseAlarmShare = falseAlarmShare
        let leaveOneOut = Self.nearestOther(references, count: count, dimension: dimension).sorted()
        let index = min(count - 1, max(0, Int((Double(count) * falseAlarmShare).rounded(.down))))
        threshold = leaveOneOut[index]
    }

    /// Cosine similarity of a unit-length embedding to its nearest reference.
    public func similarity(_ embedding: [Float]) -> Float {
        similarities(embedding).max() ?? 0
    }

    /// Cosine similarity of a unit-length embedding to every reference (empty for another dimension).
    public func similarities(_ embedding: [Float]) -> [Float] {
        guard embedding.count == dimension else { return [] }
        var scores = [Float](repeating: 0, count: count)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(count), Int32(dimension), 1, references, Int32(dimension),
                    embedding, 1, 0, &scores, 1)
        return scores
    }

    /// Each reference's similarity to its nearest other reference, in blocks so memory stays at block × count.
    static func nearestOther(_ references: [Float], count: Int, dimension: Int) -> [Float] {
        let block = 256
        var nearest = [Float](repeating: -1, count: count)
        var scores = [Float](repeating: 0, count: block * count)
        references.withUnsafeBufferPointer { r in
            for start in stride(from: 0, to: count, by: block) {
                let rows = min(block, count - start)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(count), Int32(dimension), 1,
                            r.baseAddress! + start * dimension, Int32(dimension), r.baseAddress!, Int32(dimension), 0,
                            &scores, Int32(count))
                for i in 0..<rows {
                    var best: Float = -1
                    for j in 0..<count where j != start + i { best = max(best, scores[i * count + j]) }
                    nearest[start + i] = best
                }
            }
        }
        return nearest
    }

    private enum CodingKeys: String, CodingKey { case dimension, references, threshold, falseAlarmShare }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dimension = try c.decode(Int.self, forKey: .dimension)
        threshold = try c.decode(Float.self, forKey: .threshold)
        falseAlarmShare = try c.decode(Double.self, forKey: .falseAlarmShare)
        let data = try c.decode(Data.self, forKey: .references)  // little-endian float32, base64 in JSON
        references = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        guard dimension > 0, references.count % dimension == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .references, in: c, debugDescription: "wrong reference count")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(falseAlarmShare, forKey: .falseAlarmShare)
        try c.encode(references.withUnsafeBufferPointer { Data(buffer: $0) }, forKey: .references)
    }
}
