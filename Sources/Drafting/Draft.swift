import Foundation

/// A reply draft for an agent to review. Drafts are never sent to customers automatically.
public struct Draft: Codable, Sendable, Equatable {
    /// The path that wrote the draft.
    public enum Kind: String, Codable, Sendable {
        /// An approved answer of the library that matched the ticket, its placeholders filled from the ticket.
        case answer
        /// Composed from the knowledge-base passage that answers the ticket.
        case composed
        /// Written by the model from the same sources, and verified.
        case llm
        /// Sentences picked from the sources (drafts made before the composed path replaced it).
        case extractive
    }

    /// Time spent in each step, in milliseconds.
    public struct Timings: Codable, Sendable, Equatable {
        /// Embedding the ticket and matching it against the approved answers.
        public var matchMs = 0.0
        public var retrievalMs = 0.0
        public var composeMs = 0.0
        public var promptMs = 0.0
        /// Until the model's first piece of text (nil when it gave none or was not asked).
        public var firstTokenMs: Double?
        /// The model call from request to last piece.
        public var llmMs = 0.0
        /// Citation and claim checks.
        public var verificationMs = 0.0
        public var totalMs = 0.0
        /// The pipeline's own work: everything but the model.
        public var overheadMs: Double { max(0, totalMs - llmMs) }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            matchMs = try c.decodeIfPresent(Double.self, forKey: .matchMs) ?? 0
            retrievalMs = try c.decodeIfPresent(Double.self, forKey: .retrievalMs) ?? 0
            composeMs = try c.decodeIfPresent(Double.self, forKey: .composeMs) ?? 0
            promptMs = try c.decodeIfPresent(Double.self, forKey: .promptMs) ?? 0
            firstTokenMs = try c.decodeIfPresent(Double.self, forKey: .firstTokenMs)
            llmMs = try c.decodeIfPresent(Double.self, forKey: .llmMs) ?? 0
            verificationMs = try c.decodeIfPresent(Double.self, forKey: .verificationMs) ?? 0
            totalMs = try c.decodeIfPresent(Double.self, forKey: .totalMs) ?? 0
        }
    }

    /// The approved answer an `answer` draft came from.
    public struct AnswerUse: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        /// The ticket's similarity to the answer's examples, and the calibrated threshold it reached.
        public var score: Double
        public var threshold: Double
        /// Placeholders filled from the ticket, and those left for the agent to fill.
        public var filled: [String: String]
        public var unfilled: [String]
    }

    /// A sentence the sources offered that is not stated to this customer.
    public struct Withheld: Codable, Sendable, Equatable {
        public var text: String
        public var claim: Claim
        /// Why it was left out, for the agent.
        public var reason: String
    }

    public var id: String
    public var ticketExternalID: String?
    public var kind: Kind
    public var text: String
    public var sources: [DraftSource]
    public var verification: Verification
    public var answer: AnswerUse?
    /// Sentences left out because they report what was done for another customer, or promise what no
    /// knowledge-base passage backs.
    public var withheld: [Withheld]
    /// The model that wrote it (or whose draft was replaced), nil when none was asked.
    public var model: String?
    public var promptVersion: String
    /// Why the model's draft was not delivered.
    public var fallbackReason: String?
    /// The model's own text when it was replaced, kept for review and evaluation.
    public var modelText: String?
    public var timings: Timings
    public var createdAt: Date

    public init(id: String, ticketExternalID: String?, kind: Kind, text: String, sources: [DraftSource],
                verification: Verification, answer: AnswerUse? = nil, withheld: [Withheld] = [], model: String?,
                promptVersion: String, fallbackReason: String?, modelText: String?, timings: Timings, createdAt: Date) {
        self.id = id
        self.ticketExternalID = ticketExternalID
        self.kind = kind
        self.text = text
        self.sources = sources
        self.verification = verification
        self.answer = answer
        self.withheld = withheld
        self.model = model
        self.promptVersion = promptVersion
        self.fallbackReason = fallbackReason
        self.modelText = modelText
        self.timings = timings
        self.createdAt = createdAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        ticketExternalID = try c.decodeIfPresent(String.self, forKey: .ticketExternalID)
        kind = try c.decode(Kind.self, forKey: .kind)
        text = try c.decode(String.self, forKey: .text)
        sources = try c.decode([DraftSource].self, forKey: .sources)
        verification = try c.decode(Verification.self, forKey: .verification)
        answer = try c.decodeIfPresent(AnswerUse.self, forKey: .answer)
        withheld = try c.decodeIfPresent([Withheld].self, forKey: .withheld) ?? []
        model = try c.decodeIfPresent(String.self, forKey: .model)
        promptVersion = try c.decode(String.self, forKey: .promptVersion)
        fallbackReason = try c.decodeIfPresent(String.self, forKey: .fallbackReason)
        modelText = try c.decodeIfPresent(String.self, forKey: .modelText)
        timings = try c.decode(Timings.self, forKey: .timings)
        createdAt = try c.decode(Date.self, forKey: .createdAt)
    }

    /// The reply as the customer would read it: without the `[n]` citations.
    public var plainText: String { Self.withoutCitations(text) }

    /// `text` without `[n]` / `[n, m]` citation markers.
    public static func withoutCitations(_ text: String) -> String {
        text.replacingOccurrences(of: #"\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\]"#, with: "", options: .regularExpression)
    }
}
