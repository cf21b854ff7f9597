import Domain
import Foundation

/// What an ingest run reads.
public enum IngestKind: String, Codable, Sendable {
    case tickets, kb
}

/// State of an ingest run. A run left `running` by a crash is resumed by the next run over the same content.
public enum IngestStatus: String, Codable, Sendable {
    case running, completed, abandoned
}

/// Record counts of an ingest run.
public struct IngestCounts: Codable, Sendable, Equatable {
    /// Records read from the source (valid or not).
    public var read = 0
    /// New records stored.
    public var stored = 0
    /// Existing records whose content changed and were updated in place.
    public var updated = 0
    /// Existing records that were already stored as they are.
    public var unchanged = 0
    /// Records set aside in quarantine.
    public var quarantined = 0

    public init(read: Int = 0, stored: Int = 0, updated: Int = 0, unchanged: Int = 0, quarantined: Int = 0) {
        self.read = read
        self.stored = stored
        self.updated = updated
        self.unchanged = unchanged
        self.quarantined = quarantined
    }
}

/// One ingest of one source (a file, or a folder of articles), recorded in the ingest log.
public struct IngestRun: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: IngestKind
    public var source: String
    public var sourceHash: String
    public var status: IngestStatus
    /// Records consumed and committed so far; a resumed run skips this many.
    public var position: Int
    /// Where this run resumed an interrupted one (0 for a fresh run).
    public var resumedFrom: Int
    public var counts: IngestCounts
    public var startedAt: Date
    public var finishedAt: Date?

    public init(id: Int64, kind: IngestKind, source: String, sourceHash: String, status: IngestStatus, position: Int,
                resumedFrom: Int, counts: IngestCounts, startedAt: Date, finishedAt: Date?) {
        (self.id, self.kind, self.source, self.sourceHash, self.status) = (id, kind, source, sourceHash, status)
        (self.position, self.resumedFrom, self.counts) = (position, resumedFrom, counts)
        (self.startedAt, self.finishedAt) = (startedAt, finishedAt)
    }
}

/// An article with the chunks cut from its current body.
public struct ChunkedArticle: Sendable, Equatable {
    public var article: Article
    public var chunks: [Chunk]

    public init(article: Article, chunks: [Chunk]) {
        self.article = article
        self.chunks = chunks
    }
}

/// A batch of an ingest run, committed atomically together with the run's new position and counts.
public struct IngestBatch: Sendable {
    public var runID: Int64
    public var tickets: [Ticket] = []
    public var articles: [ChunkedArticle] = []
    public var quarantined: [QuarantinedRecord] = []
    /// How many source records the run has consumed once this batch is committed.
    public var position: Int
    /// Records read in this batch (valid and quarantined).
    public var read: Int

    public init(runID: Int64, position: Int, read: Int, tickets: [Ticket] = [], articles: [ChunkedArticle] = [],
                quarantined: [QuarantinedRecord] = []) {
        self.runID = runID
        self.position = position
        self.read = read
        self.tickets = tickets
        self.articles = articles
        self.quarantined = quarantined
    }
}

/// A chunk found by keyword search, with its article.
public struct ChunkHit: Codable, Sendable, Equatable {
    /// The chunk's row id in the store.
    public var chunkID: Int64
    public var articleID: String
    public var articleTitle: String
    public var category: String?
    public var chunk: Chunk
    /// Higher is better (scales differ between retrievers: negated FTS5 bm25(), BM25, cosine, fused).
    public var score: Double

    public init(chunkID: Int64, articleID: String, articleTitle: String, category: String?, chunk: Chunk,
                score: Double) {
        self.chunkID = chunkID
        self.articleID = articleID
        self.articleTitle = articleTitle
        self.category = category
        self.chunk = chunk
        self.score = score
    }
}

/// A stored article with its version (bumped on every content change).
public struct StoredArticle: Codable, Sendable, Equatable {
    public var article: Article
    public var version: Int

    public init(article: Article, version: Int) {
        self.article = article
        self.version = version
    }
}

/// An entry of the append-only audit log.
public struct AuditEvent: Codable, Sendable, Equatable {
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var details: String

    public init(at: Date = Date(), actor: String, action: String, target: String, details: String = "") {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.details = details
    }
}

/// Row counts of the store's main tables.
public struct StoreCounts: Codable, Sendable, Equatable {
    public var tickets: Int
    public var articles: Int
    public var chunks: Int
    public var quarantined: Int
    public var ingestRuns: Int

    public init(tickets: Int, articles: Int, chunks: Int, quarantined: Int, ingestRuns: Int) {
        (self.tickets, self.articles, self.chunks) = (tickets, articles, chunks)
        (self.quarantined, self.ingestRuns) = (quarantined, ingestRuns)
    }
}

/// A routing prediction recorded for a ticket: what the model said, with its confidence, at the time.
public struct StoredPrediction: Codable, Sendable, Equatable {
    public var ticketExternalID: String
    public var modelVersion: String
    /// nil when the router abstained ("needs human").
    public var category: String?
    public var queue: String?
    public var suggestedCategory: String
    public var confidence: Double
    public var abstained: Bool
    public var priority: Priority?
    /// The full decision (probabilities, P1 probability) as JSON.
    public var details: String
    public var createdAt: Date

    public init(ticketExternalID: String, modelVersion: String, category: String?, queue: String?,
                suggestedCategory: String, confidence: Double, abstained: Bool, priority: Priority?, details: String,
                createdAt: Date = Date()) {
        self.ticketExternalID = ticketExternalID
        self.modelVersion = modelVersion
        self.category = category
        self.queue = queue
        self.suggestedCategory = suggestedCategory
        self.confidence = confidence
        self.abstained = abstained
        self.priority = priority
        self.details = details
        self.createdAt = createdAt
    }
}

/// What a stored vector embeds.
public enum EmbeddedKind: String, Codable, Sendable, CaseIterable {
    case chunk, ticket
}

/// A stored vector with what search filters need.
public struct StoredVector: Sendable {
    public var id: Int64
    public var category: String?
    /// For tickets: whether the ticket is resolved (similar-ticket search offers resolved ones).
    public var resolved: Bool
    public var vector: [Float]

    public init(id: Int64, category: String?, resolved: Bool, vector: [Float]) {
        self.id = id
        self.category = category
        self.resolved = resolved
        self.vector = vector
    }
}

/// A ticket found by search, with its resolution when it has one.
public struct TicketHit: Codable, Sendable, Equatable {
    public var ticketID: Int64
    public var ticket: Ticket
    public var score: Double

    public init(ticketID: Int64, ticket: Ticket, score: Double) {
        (self.ticketID, self.ticket, self.score) = (ticketID, ticket, score)
    }
}

/// A stored draft reply. `details` holds the whole draft as JSON: its sources, verification, timings and, after a
/// fallback, the model's rejected text.
public struct StoredDraft: Codable, Sendable, Equatable {
    public var id: String
    public var ticketExternalID: String?
    /// The path that wrote it: `answer` (an approved answer), `composed` (from the KB), `llm`, or `extractive`
    /// (drafts written before the composed path replaced it).
    public var kind: String
    /// The approved answer it was drafted from (`answer` drafts).
    public var answerID: String?
    public var model: String?
    public var promptVersion: String
    public var text: String
    public var grounded: Bool
    public var fallbackReason: String?
    public var details: String
    public var createdAt: Date

    public init(id: String, ticketExternalID: String?, kind: String, answerID: String? = nil, model: String?,
                promptVersion: String, text: String, grounded: Bool, fallbackReason: String?, details: String, createdAt: Date) {
        self.id = id
        self.ticketExternalID = ticketExternalID
        self.kind = kind
        self.answerID = answerID
        self.model = model
        self.promptVersion = promptVersion
        self.text = text
        self.grounded = grounded
        self.fallbackReason = fallbackReason
        self.details = details
        self.createdAt = createdAt
    }
}

/// How hybrid search blends keyword and dense results for one state of the knowledge base, as chosen by the
/// search tuner from pseudo-queries made from the KB itself (no labelled queries), and when.
public struct SearchSettings: Codable, Sendable, Equatable {
    /// The knowledge base state it was chosen for: a digest of every indexed chunk text and the embedding model.
    public var kbHash: String
    /// The embedding model of the dense side (part of the digest).
    public var model: String
    /// `convex` (weighted blend of min-max-normalised scores) or `rrf` (reciprocal rank fusion, k = 60).
    public var method: String
    /// The keyword share of a convex blend (1 − it is the dense share); unused by `rrf`.
    public var keywordWeight: Double
    /// Pseudo-queries the choice was scored on (0: too few chunks, the default was kept).
    public var pseudoQueries: Int
    /// Chunks in the knowledge base when chosen.
    public var chunks: Int
    public var chosenAt: Date
    /// The objective (mean of R@5 and MRR@10 on the pseudo-queries) of every candidate, e.g. `convex:0.3`, `rrf`.
    public var candidates: [String: Double]

    public init(kbHash: String, model: String, method: String, keywordWeight: Double, pseudoQueries: Int, chunks: Int,
                chosenAt: Date = Date(), candidates: [String: Double] = [:]) {
        self.kbHash = kbHash
        self.model = model
        self.method = method
        self.keywordWeight = keywordWeight
        self.pseudoQueries = pseudoQueries
        self.chunks = chunks
        // Whole seconds, as recorded.
        self.chosenAt = Date(timeIntervalSince1970: chosenAt.timeIntervalSince1970.rounded(.down))
        self.candidates = candidates
    }
}
