import Foundation

/// A reply draft for an agent to review. Drafts are never sent to customers automatically.
public struct Draft: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Written by the model and verified.
        case llm
        /// Assembled from the sources because the model was unavailable, too slow, or not grounded.
        case extractive
    }

    /// Time spent in each step, in milliseconds.
    public struct Timings: Codable, Sendable, Equatable {
        public var retrievalMs = 0.0
        public var promptMs = 0.0
        /// Until the model's first piece of text (nil when it gave none).
        public var firstTokenMs: Double?
        /// The model call from request to last piece.
        public var llmMs = 0.0
        public var verificationMs = 0.0
        public var fallbackMs = 0.0
        public var totalMs = 0.0
        /// The pipeline's own work: retrieval, prompt and verification.
        public var overheadMs: Double { retrievalMs + promptMs + verificationMs }
    }

    public var id: String
    public var ticketExternalID: String?
    public var kind: Kind
    public var text: String
    public var sources: [DraftSource]
    public var verification: Verification
    /// The model that wrote it (or whose draft was replaced), nil when none was configured.
    public var model: String?
    public var promptVersion: String
    /// Why the extractive draft was given instead of the model's.
    public var fallbackReason: String?
    /// The model's own text when it was replaced, kept for review and evaluation.
    public var modelText: String?
    public var timings: Timings
    public var createdAt: Date
}
