/// Turns texts into L2-normalised vectors: the in-process MiniLM encoder, or a remote `/v1/embeddings` server.
public protocol TextEmbedder: Sendable {
    /// Identifies the model; stored vectors are only compared with vectors of the same model.
    var modelName: String { get }
    var dimension: Int { get }
    /// One unit-length vector per text, in order.
    func embed(_ texts: [String]) throws -> [[Float]]
}

extension TextEmbedder {
    /// Embeds on a dispatch queue instead of a Swift concurrency thread (see `offPool`).
    public func embedOffPool(_ texts: [String]) async throws -> [[Float]] {
        try await offPool { try self.embed(texts) }
    }
}
