import Domain

/// A deterministic stand-in for the sentence encoder, for logic tests without model files: each lowercased word
/// and each character trigram of a word (padded `<word>`) hashed (FNV-1a) to one of `dimension` coordinates, the
/// counts weighted and scaled to unit length. Texts sharing words or word pieces get similar vectors. The identity
/// is settable, to test what happens when vectors or routers of another model meet this one.
public struct HashingTestEmbedder: TextEmbedder {
    public var identity: EmbedderIdentity
    public var wordWeight: Float
    /// 0 for word features only.
    public var trigramWeight: Float

    public init(dimension: Int = 384, id: String = "hashing-test", revision: String? = "test",
                wordWeight: Float = 1, trigramWeight: Float = 0.25) {
        precondition(dimension > 0)
        identity = EmbedderIdentity(id: id, dimension: dimension, revision: revision)
        (self.wordWeight, self.trigramWeight) = (wordWeight, trigramWeight)
    }

    public func embed(_ texts: [String]) -> [[Float]] { texts.map(vector) }

    /// One text's unit vector (all zeros for a text without letters or digits).
    public func vector(_ text: String) -> [Float] {
        let n = identity.dimension
        var v = [Float](repeating: 0, count: n)
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }
        for word in words {
            v[Int(Self.hash("w " + word) % UInt64(n))] += wordWeight
            guard trigramWeight > 0 else { continue }
            let padded = Array("<" + word + ">")
            for start in 0..<max(0, padded.count - 2) {
                v[Int(Self.hash("t " + String(padded[start..<start + 3])) % UInt64(n))] += trigramWeight
            }
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: the same on every platform and run.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}
