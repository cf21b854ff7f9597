/// The dot product of two vectors: the cosine similarity when both have unit length (as embeddings here do).
/// Elements beyond the shorter vector are ignored.
public func dot(_ a: [Float], _ b: [Float]) -> Float {
    var sum: Float = 0
    for i in 0..<min(a.count, b.count) { sum += a[i] * b[i] }
    return sum
}
