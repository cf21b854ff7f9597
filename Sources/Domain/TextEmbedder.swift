import Dispatch

/// Turns texts into L2-normalised vectors: the in-process MiniLM encoder, or a remote `/v1/embeddings` server.
public protocol TextEmbedder: Sendable {
    /// Identifies the model; stored vectors are only compared with vectors of the same model.
    var modelName: String { get }
    var dimension: Int { get }
    /// One unit-length vector per text, in order.
    func embed(_ texts: [String]) throws -> [[Float]]
}

extension TextEmbedder {
    /// Embeds on a dispatch queue instead of a Swift concurrency thread. A batch takes seconds of CPU; run on the
    /// cooperative pool (one thread per core) it would stall every timer and request of the process meanwhile.
    public func embedOffPool(_ texts: [String]) async throws -> [[Float]] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try self.embed(texts) })
            }
        }
    }
}
