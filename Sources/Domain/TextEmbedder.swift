/// Turns texts into L2-normalised vectors (the in-process MiniLM encoder; tests use `HashingTestEmbedder`).
public protocol TextEmbedder: Sendable {
    /// Which model this is; stored vectors are keyed by `identity.key` and only compared with vectors of the
    /// same identity.
    var identity: EmbedderIdentity { get }
    /// One unit-length vector per text, in order.
    func embed(_ texts: [String]) throws -> [[Float]]
}

extension TextEmbedder {
    /// The width of the vectors (`identity.dimension`).
    public var dimension: Int { identity.dimension }

    /// Embeds on a dispatch queue instead of a Swift concurrency thread (see `offPool`).
    public func embedOffPool(_ texts: [String]) async throws -> [[Float]] {
        try await offPool { try self.embed(texts) }
    }
}
