import Domain
import Foundation

/// Where an answer of the library stands. Only approved answers are ever drafted.
public enum AnswerStatus: String, Codable, Sendable, CaseIterable {
    /// Mined or proposed, waiting for a lead.
    case candidate
    case approved
    /// Taken out of use; re-mining the same tickets does not bring it back.
    case retired
}

/// How an answer entered the library.
public enum AnswerOrigin: String, Codable, Sendable {
    /// Mined from a group of near-duplicate resolutions.
    case mined
    /// An agent's edited draft, proposed as a saved answer.
    case editedDraft = "edited_draft"
    /// Written by a lead.
    case manual
}

/// How an answer has fared with agents: its drafts and their latest verdicts.
public struct AnswerUsage: Codable, Sendable, Equatable {
    /// Drafts delivered from it.
    public var drafts: Int
    public var accepted: Int
    public var edited: Int
    public var rejected: Int
    /// Mean word-level edit distance of its edited drafts (0 = sent unchanged).
    public var meanEditDistance: Double?

    public init(drafts: Int = 0, accepted: Int = 0, edited: Int = 0, rejected: Int = 0, meanEditDistance: Double? = nil) {
        self.drafts = drafts
        self.accepted = accepted
        self.edited = edited
        self.rejected = rejected
        self.meanEditDistance = meanEditDistance
    }

    /// Drafts with a verdict.
    public var reviewed: Int { accepted + edited + rejected }
    /// Accepted as drafted, of those with a verdict.
    public var acceptanceRate: Double? { reviewed == 0 ? nil : Double(accepted) / Double(reviewed) }
    /// Edited before sending, of those with a verdict.
    public var editRate: Double? { reviewed == 0 ? nil : Double(edited) / Double(reviewed) }
}

/// A saved answer: a reply the team would send to a recurring kind of ticket, with customer details as visible
/// placeholders (`{{Order Number}}`).
public struct LibraryAnswer: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// The reply, placeholders included.
    public var body: String
    public var category: String?
    public var status: AnswerStatus
    public var origin: AnswerOrigin
    /// Sentences of the mined reply left out of the body, with why (they reported what was done for that
    /// customer, or promised what no policy backs): the lead decides whether any belongs in it.
    public var withheld: [String]
    /// Bumped by every edit; an edit names the version it started from.
    public var version: Int
    /// Tickets (or requests) it answers: what a new ticket is matched against.
    public var examples: Int
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var reviewedBy: String?
    public var usage: AnswerUsage

    public init(id: String, title: String, body: String, category: String?, status: AnswerStatus, origin: AnswerOrigin,
                withheld: [String], version: Int, examples: Int, createdBy: String, createdAt: Date, updatedAt: Date,
                reviewedBy: String?, usage: AnswerUsage) {
        self.id = id
        self.title = title
        self.body = body
        self.category = category
        self.status = status
        self.origin = origin
        self.withheld = withheld
        self.version = version
        self.examples = examples
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.reviewedBy = reviewedBy
        self.usage = usage
    }
}

/// A request an answer answers: a member ticket of its group, or the ticket of the draft it was proposed from.
public struct AnswerExample: Sendable, Equatable {
    public var answerID: String
    /// The stored ticket, when the example is one.
    public var ticketExternalID: String?
    public var text: String
    /// The request's embedding, of `model`.
    public var vector: [Float]
    public var model: String

    public init(answerID: String, ticketExternalID: String?, text: String, vector: [Float], model: String) {
        self.answerID = answerID
        self.ticketExternalID = ticketExternalID
        self.text = text
        self.vector = vector
        self.model = model
    }
}

/// A new answer for the library, before it has an id: mined, proposed from a draft, or written.
public struct NewAnswer: Sendable, Equatable {
    public var title: String
    public var body: String
    public var category: String?
    public var withheld: [String]
    /// Its examples (their `answerID` is ignored).
    public var examples: [AnswerExample]

    public init(title: String, body: String, category: String?, withheld: [String], examples: [AnswerExample]) {
        self.title = title
        self.body = body
        self.category = category
        self.withheld = withheld
        self.examples = examples
    }
}

/// How a ticket's match with an answer is judged, chosen by the miner on the team's own resolved tickets: the
/// lowest similarity at which matched answers would have been right at least `targetPrecision` of the time, and
/// tickets of a kind the library does not answer would rarely get one.
public struct AnswerCalibration: Codable, Sendable, Equatable {
    /// A ticket gets an approved answer as its draft when its similarity to the answer's examples reaches this.
    public var threshold: Double
    public var targetPrecision: Double
    /// Precision and coverage at the threshold, measured leaving each resolved ticket out of the examples.
    public var precision: Double?
    public var coverage: Double
    /// The share of tickets matched to a wrong answer when their own group's answer is taken away (a kind of
    /// ticket the library does not answer yet).
    public var novelFalseMatchRate: Double?
    /// Resolved tickets of the library's groups, and tickets tried as novel (every resolved ticket).
    public var n: Int
    public var novel: Int
    /// Resolutions grouped, groups formed (candidates), and the resolution similarity that groups them.
    public var resolutions: Int
    public var groups: Int
    public var groupingSimilarity: Double
    /// The embedding model the similarities were measured with.
    public var model: String
    public var minedAt: Date

    public init(threshold: Double, targetPrecision: Double, precision: Double?, coverage: Double, novelFalseMatchRate: Double?,
                n: Int, novel: Int, resolutions: Int, groups: Int, groupingSimilarity: Double, model: String, minedAt: Date) {
        self.threshold = threshold
        self.targetPrecision = targetPrecision
        self.precision = precision
        self.coverage = coverage
        self.novelFalseMatchRate = novelFalseMatchRate
        self.n = n
        self.novel = novel
        self.resolutions = resolutions
        self.groups = groups
        self.groupingSimilarity = groupingSimilarity
        self.model = model
        self.minedAt = minedAt
    }
}

/// What saving a mining run did.
public struct MinedAnswersSummary: Codable, Sendable, Equatable {
    /// New candidates.
    public var created: Int
    /// Groups that matched an answer already in the library, which got the group's new tickets as examples.
    public var extended: Int
    /// Groups that matched a retired answer: left alone.
    public var skippedRetired: Int

    public init(created: Int, extended: Int, skippedRetired: Int) {
        self.created = created
        self.extended = extended
        self.skippedRetired = skippedRetired
    }
}

/// The approved-answer library: saved answers, their examples and usage, and the calibrated match threshold.
/// Every change is audited in the same transaction.
public protocol AnswerStore: Sendable {
    /// Saves mined groups: a group whose tickets mostly belong to an answer already saved adds its new tickets to
    /// that answer (whatever its status, edits or usage; a retired one is left alone); others become candidates.
    /// Records the calibration.
    func saveMinedAnswers(_ groups: [NewAnswer], calibration: AnswerCalibration, actor: String) async throws -> MinedAnswersSummary
    /// Adds one candidate (from an edited draft, or written by a lead).
    func proposeAnswer(_ answer: NewAnswer, origin: AnswerOrigin, actor: String) async throws -> LibraryAnswer
    /// Answers with their usage, most used first; all statuses when `status` is nil.
    func answers(status: AnswerStatus?) async throws -> [LibraryAnswer]
    func answer(id: String) async throws -> LibraryAnswer?
    /// Replaces an answer's title and body when it is still at `expectedVersion` (else a `StoreError.conflict`).
    func editAnswer(id: String, title: String, body: String, expectedVersion: Int, actor: String) async throws -> LibraryAnswer
    /// Approves, retires or returns an answer to the candidates.
    func setAnswerStatus(id: String, to status: AnswerStatus, actor: String, reason: String?) async throws -> LibraryAnswer
    /// Every example of the answers with this status, with its vector of `model`.
    func answerExamples(status: AnswerStatus, model: String) async throws -> [AnswerExample]
    func answerCalibration() async throws -> AnswerCalibration?
    /// What mining reads: resolved tickets with a resolution, each with its vector of `model` (nil when it has
    /// none yet), oldest first.
    func resolvedTickets(model: String) async throws -> [(ticket: Ticket, vector: [Float]?)]
}
