import Domain
import Foundation

/// Vectors of chunks and tickets, one per item and model (an `EmbedderIdentity.key`), and nearest-neighbour
/// search over them.
public protocol EmbeddingStore: Sendable {
    /// Items with no vector from `model` yet: their row id and the text to embed (a chunk's heading path and
    /// text; a ticket's subject and body).
    func itemsNeedingEmbedding(_ kind: EmbeddedKind, model: String, limit: Int) async throws -> [(id: Int64, text: String)]
    /// Stores vectors of `model`, one per item and model: other models' vectors of the same items stay. A vector
    /// goes when its item goes (a chunk of an edited article, say) or its text changes (an edited ticket).
    func saveEmbeddings(_ kind: EmbeddedKind, _ vectors: [(id: Int64, vector: [Float])], model: String) async throws
    /// The `k` items whose vectors of `model` are most similar (cosine) to `vector`, best first, among those the
    /// filter admits. Sees every change committed before the call, by any process.
    func nearest(_ kind: EmbeddedKind, to vector: [Float], model: String, k: Int,
                 filter: NearestFilter) async throws -> [Neighbor]
    /// Every vector of `model` for this kind of item (bulk reads: copying a store, exports).
    func vectors(_ kind: EmbeddedKind, model: String) async throws -> [StoredVector]
    /// A ticket with its stored vector of `model` (embedded at ingest; nil when it has none yet), in one read.
    func ticketWithVector(externalID: String, model: String) async throws -> (ticket: Ticket, vector: [Float]?)?
}

/// Which items a nearest-neighbour search may return.
public struct NearestFilter: Sendable, Equatable {
    /// Chunks: only those of articles in this category.
    public var category: String?
    /// Tickets: only resolved ones.
    public var resolvedOnly: Bool

    public init(category: String? = nil, resolvedOnly: Bool = false) {
        self.category = category
        self.resolvedOnly = resolvedOnly
    }

    public static let none = NearestFilter()
}

/// An item found by `nearest`: its row id and cosine similarity to the query.
public struct Neighbor: Sendable, Equatable {
    public var id: Int64
    public var similarity: Float

    public init(id: Int64, similarity: Float) {
        self.id = id
        self.similarity = similarity
    }
}
