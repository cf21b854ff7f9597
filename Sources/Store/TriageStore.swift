import Domain
import Foundation

/// Durable storage of tickets, knowledge-base articles and their chunks, the ingest log, quarantine and the
/// audit log, and the model lifecycle (`ModelLifecycleStore`). `SQLiteStore` is the embedded implementation;
/// a second backend implements this and the other store protocols (`StoreBackend`) and is opened from its URL
/// by `StoreConfiguration`.
public protocol TriageStore: ModelLifecycleStore {
    /// Starts an ingest run for a source, or resumes the interrupted (`running`) run over identical content.
    /// A fresh run over changed content clears the quarantine entries of the source's older content.
    func beginIngest(kind: IngestKind, source: String, sourceHash: String) async throws -> IngestRun

    /// Commits a batch atomically: upserts its records, quarantines its bad ones, and advances the run.
    /// Returns the run as it stands after the batch.
    @discardableResult
    func commit(_ batch: IngestBatch) async throws -> IngestRun

    /// Marks a run completed and writes an audit event for it.
    @discardableResult
    func finishIngest(runID: Int64, actor: String) async throws -> IngestRun
    /// Closes a run as completed; `notes` (how the input was read: an encoding fallback, an ignored column) go
    /// into its audit entry.
    func finishIngest(runID: Int64, actor: String, notes: [String]) async throws -> IngestRun

    func ticket(externalID: String) async throws -> Ticket?
    func article(externalID: String) async throws -> StoredArticle?
    func chunks(articleExternalID: String) async throws -> [Chunk]

    /// Keyword search over chunks (BM25), best first.
    func searchChunks(_ query: String, limit: Int, category: String?) async throws -> [ChunkHit]

    /// Items with no vector from `model` yet: their row id and the text to embed (a chunk's heading path and
    /// text; a ticket's subject and body).
    func itemsNeedingEmbedding(_ kind: EmbeddedKind, model: String, limit: Int) async throws -> [(id: Int64, text: String)]
    /// Stores vectors of `model` (an `EmbedderIdentity.key`), one per item and model: other models' vectors of the
    /// same items stay. A vector goes when its item goes (a chunk of an edited article, say).
    func saveEmbeddings(_ kind: EmbeddedKind, _ vectors: [(id: Int64, vector: [Float])], model: String) async throws
    /// Every vector of `model` for this kind of item, for building an in-memory vector index.
    func vectors(_ kind: EmbeddedKind, model: String) async throws -> [StoredVector]
    /// A number that grows with every change to tickets (`.ticket`) or the knowledge base (`.chunk`: articles,
    /// chunks), rows or vectors, by any process: in-memory indexes compare it to know when to reload.
    func generation(_ kind: EmbeddedKind) async throws -> Int
    /// A ticket with its stored vector of `model` (embedded at ingest; nil when it has none yet), in one read.
    func ticketWithVector(externalID: String, model: String) async throws -> (ticket: Ticket, vector: [Float]?)?
    /// Every chunk's row id, article category and indexable text (heading path, then text), for in-memory indexes.
    func indexableChunks() async throws -> [(id: Int64, category: String?, text: String)]
    /// Chunks by row id, with their article.
    func chunkHits(ids: [Int64]) async throws -> [Int64: ChunkHit]
    /// The search settings chosen for the knowledge base state with this digest, if any were recorded.
    func searchSettings(kbHash: String) async throws -> SearchSettings?
    /// The search settings chosen most recently (for the knowledge base as it was then).
    func latestSearchSettings() async throws -> SearchSettings?
    /// Records search settings (replacing any recorded for the same digest).
    func saveSearchSettings(_ settings: SearchSettings) async throws

    /// Keyword search over tickets (subject, body, resolution), best first.
    func searchTickets(_ query: String, limit: Int, resolvedOnly: Bool) async throws -> [TicketHit]
    /// Tickets by row id.
    func ticketHits(ids: [Int64]) async throws -> [Int64: TicketHit]

    /// Tickets with no prediction from `modelVersion` yet, oldest first.
    func ticketsAwaitingTriage(modelVersion: String, limit: Int) async throws -> [Ticket]
    /// Records predictions; a ticket keeps every prediction made for it.
    func savePredictions(_ predictions: [StoredPrediction]) async throws
    /// A ticket's predictions, newest first.
    func predictions(ticketExternalID: String) async throws -> [StoredPrediction]

    /// Records a draft (never sent anywhere: agents review it).
    func saveDraft(_ draft: StoredDraft) async throws
    /// A ticket's drafts, newest first.
    func drafts(ticketExternalID: String, limit: Int) async throws -> [StoredDraft]

    func quarantined(source: String?, limit: Int) async throws -> [QuarantinedRecord]
    func ingestRuns(limit: Int) async throws -> [IngestRun]
    func counts() async throws -> StoreCounts

    func appendAudit(_ event: AuditEvent) async throws
    func auditLog(limit: Int) async throws -> [AuditEvent]
}
