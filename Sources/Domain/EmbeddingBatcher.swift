/// Embeds texts from many concurrent callers in shared batches: while one batch runs, new requests queue and go
/// together into the next. A batch costs far less per text than single encodes racing for the same cores.
public actor EmbeddingBatcher {
    public let embedder: any TextEmbedder
    public let maxBatch: Int
    private var pending: [(text: String, continuation: CheckedContinuation<[Float], Error>)] = []
    private var draining = false

    public init(embedder: any TextEmbedder, maxBatch: Int = 64) {
        self.embedder = embedder
        self.maxBatch = maxBatch
    }

    /// The text's unit vector, computed in the next batch.
    public func embed(_ text: String) async throws -> [Float] {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((text, continuation))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                let vectors = try await embedder.embedOffPool(batch.map(\.text))
                for (request, vector) in zip(batch, vectors) { request.continuation.resume(returning: vector) }
            } catch {
                for request in batch { request.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }
}
