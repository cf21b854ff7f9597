import Domain
import Foundation

/// What an API key may do. Each role includes the ones before it.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Reads `/metrics` and the detail of `/readyz` only: for a Prometheus scraper or a probe, never tickets.
    case metrics
    /// Reads tickets, triages, searches, drafts, gives feedback and corrects routes.
    case agent
    /// Also reads analytics and the audit log.
    case lead
    /// Also manages keys and models.
    case admin

    public static func < (a: Role, b: Role) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// An API key as stored: only the SHA-256 of its secret is kept.
public struct APIKey: Codable, Sendable, Equatable {
    /// The public part of the key (`lt_<id>_…`), shown in listings and the audit log.
    public var id: String
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, name: String, role: Role, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// An agent's verdict on a draft.
public struct DraftFeedback: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable, CaseIterable { case accepted, edited, rejected }
    public var draftID: String
    public var verdict: Verdict
    /// The reply the agent sent (edited drafts).
    public var finalText: String?
    /// Why the draft was rejected.
    public var reason: String?
    /// Word-level edit distance between the draft and the final text, normalised by the longer one (0 = unchanged).
    public var editDistance: Double?
    public var actor: String
    public var at: Date

    public init(draftID: String, verdict: Verdict, finalText: String?, reason: String?, editDistance: Double?,
                actor: String, at: Date = Date()) {
        self.draftID = draftID
        self.verdict = verdict
        self.finalText = finalText
        self.reason = reason
        self.editDistance = editDistance
        self.actor = actor
        self.at = at
    }
}

/// An agent's correction of a ticket's route; the ticket's labels change and the prediction it corrects is kept.
public struct RouteCorrection: Codable, Sendable, Equatable {
    public var ticketExternalID: String
    public var category: String?
    public var priority: Priority?
    /// What the router had predicted (its latest prediction), for routing accuracy.
    public var predictedCategory: String?
    public var predictedPriority: Priority?
    public var modelVersion: String?
    public var actor: String
    public var at: Date

    public init(ticketExternalID: String, category: String?, priority: Priority?, predictedCategory: String? = nil,
                predictedPriority: Priority? = nil, modelVersion: String? = nil, actor: String, at: Date = Date()) {
        self.ticketExternalID = ticketExternalID
        self.category = category
        self.priority = priority
        self.predictedCategory = predictedCategory
        self.predictedPriority = predictedPriority
        self.modelVersion = modelVersion
        self.actor = actor
        self.at = at
    }
}

/// Filters, order and a page of the ticket list, as a help desk's inbox offers them.
public struct TicketQuery: Sendable, Equatable {
    public enum Order: String, Sendable, CaseIterable {
        /// Newest first.
        case newest
        /// The nearest first-response deadline first (open tickets before answered ones).
        case slaDeadline = "sla"
    }

    public var status: TicketStatus?
    public var category: String?
    public var priority: Priority?
    /// The queue the router predicted (its latest prediction).
    public var queue: String?
    /// A language tag; `es` also matches `es-MX`.
    public var language: String?
    /// Only tickets whose latest prediction abstained ("needs a human"), or only those it routed.
    public var needsHuman: Bool?
    /// Only tickets at this SLA risk now, under `sla`.
    public var slaRisk: SLAPolicy.Risk?
    /// Every word must occur in the subject, body or resolution.
    public var text: String?
    /// Only tickets created (or, without a creation date, ingested) at or after this moment.
    public var createdSince: Date?
    public var order = Order.newest
    public var sla = SLAPolicy()
    public var limit = 50
    public var offset = 0

    public init(status: TicketStatus? = nil, category: String? = nil, priority: Priority? = nil, queue: String? = nil,
                language: String? = nil, needsHuman: Bool? = nil, slaRisk: SLAPolicy.Risk? = nil, text: String? = nil,
                createdSince: Date? = nil, order: Order = .newest, limit: Int = 50, offset: Int = 0) {
        self.status = status
        self.category = category
        self.priority = priority
        self.queue = queue
        self.language = language
        self.needsHuman = needsHuman
        self.slaRisk = slaRisk
        self.text = text
        self.createdSince = createdSince
        self.order = order
        self.limit = limit
        self.offset = offset
    }
}

/// A ticket in a list, with the router's latest word on it.
public struct TicketSummary: Codable, Sendable, Equatable {
    public var ticket: Ticket
    public var prediction: StoredPrediction?

    public init(ticket: Ticket, prediction: StoredPrediction?) {
        self.ticket = ticket
        self.prediction = prediction
    }
}

/// Counts for the analytics page.
public struct WorkflowAnalytics: Codable, Sendable, Equatable {
    public struct Count: Codable, Sendable, Equatable {
        public var key: String
        public var count: Int

        public init(key: String, count: Int) {
            self.key = key
            self.count = count
        }
    }
    public var ticketsByDay: [Count]
    public var ticketsByCategory: [Count]
    public var ticketsByPriority: [Count]
    public var openByPriority: [Count]
    /// Corrections whose category matched the prediction, over all corrections with a predicted category.
    public var correctedRoutes: Int
    public var routesConfirmed: Int
    public var draftVerdicts: [Count]
    public var meanEditDistance: Double?
    public var drafts: Int
    public var extractiveDrafts: Int
    /// Drafts and their latest verdicts by the path that wrote them (answer, composed, llm).
    public var draftPaths: [PathUsage]

    public init(ticketsByDay: [Count], ticketsByCategory: [Count], ticketsByPriority: [Count], openByPriority: [Count],
                correctedRoutes: Int, routesConfirmed: Int, draftVerdicts: [Count], meanEditDistance: Double?,
                drafts: Int, extractiveDrafts: Int, draftPaths: [PathUsage]) {
        (self.ticketsByDay, self.ticketsByCategory, self.ticketsByPriority) = (ticketsByDay, ticketsByCategory, ticketsByPriority)
        (self.openByPriority, self.correctedRoutes, self.routesConfirmed) = (openByPriority, correctedRoutes, routesConfirmed)
        (self.draftVerdicts, self.meanEditDistance, self.drafts) = (draftVerdicts, meanEditDistance, drafts)
        (self.extractiveDrafts, self.draftPaths) = (extractiveDrafts, draftPaths)
    }

    public struct PathUsage: Codable, Sendable, Equatable {
        public var path: String
        public var usage: AnswerUsage

        public init(path: String, usage: AnswerUsage) {
            self.path = path
            self.usage = usage
        }
    }
}

/// A signed-in web UI session: the browser holds only a random id (its SHA-256 is stored), never the API key.
public struct UISession: Codable, Sendable, Equatable {
    /// The key the person signed in with; revoking it ends the session.
    public var keyID: String
    /// Sent back with every change the session makes (a form field or the `X-CSRF-Token` header): a page of
    /// another site cannot read it, so it cannot forge the change.
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(keyID: String, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.keyID = keyID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
