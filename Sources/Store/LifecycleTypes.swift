import Domain
import Foundation

/// Quality of a model on one labelled set (a validation split or the frozen evaluation set).
public struct ModelMetrics: Codable, Sendable, Equatable {
    /// Examples scored.
    public var n: Int
    public var accuracy: Double
    public var macroF1: Double?
    /// Share of the true P1 tickets flagged P1, over `p1Support` of them.
    public var p1Recall: Double?
    public var p1Support: Int?
    public var p1Precision: Double?
    /// Share of tickets the model abstains on ("needs human").
    public var abstainRate: Double?
    /// Expected calibration error of the confidence (10 equal-width bins).
    public var expectedCalibrationError: Double?

    public init(n: Int, accuracy: Double, macroF1: Double? = nil, p1Recall: Double? = nil, p1Support: Int? = nil,
                p1Precision: Double? = nil, abstainRate: Double? = nil, expectedCalibrationError: Double? = nil) {
        self.n = n
        self.accuracy = accuracy
        self.macroF1 = macroF1
        self.p1Recall = p1Recall
        self.p1Support = p1Support
        self.p1Precision = p1Precision
        self.abstainRate = abstainRate
        self.expectedCalibrationError = expectedCalibrationError
    }
}

/// A data file as a run used it: where it was, its content hash and how many examples it gave.
public struct DatasetReference: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var examples: Int

    public init(path: String, sha256: String, examples: Int) {
        self.path = path
        self.sha256 = sha256
        self.examples = examples
    }
}

/// One training run: what went in (parameters, code, data), what came out (artefact, metrics), how long it took.
public struct TrainingRun: Codable, Sendable, Equatable {
    /// Row id; 0 until the run is recorded.
    public var id: Int64
    /// The model family, e.g. "router".
    public var family: String
    /// The model version the run produced.
    public var modelVersion: String
    public var startedAt: Date
    public var durationSeconds: Double
    /// `git` commit of the code (or "unknown") and the package version.
    public var codeVersion: String
    public var parameters: [String: String]
    public var trainingData: DatasetReference
    /// The frozen evaluation set the run was scored on, if any.
    public var evaluationSet: DatasetReference?
    public var validation: ModelMetrics
    /// Metrics on `evaluationSet`.
    public var evaluation: ModelMetrics?
    public var artifactPath: String
    public var artifactSHA256: String
    public var actor: String

    public init(id: Int64 = 0, family: String, modelVersion: String, startedAt: Date, durationSeconds: Double,
                codeVersion: String, parameters: [String: String], trainingData: DatasetReference,
                evaluationSet: DatasetReference?, validation: ModelMetrics, evaluation: ModelMetrics?,
                artifactPath: String, artifactSHA256: String, actor: String) {
        self.id = id
        self.family = family
        self.modelVersion = modelVersion
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.codeVersion = codeVersion
        self.parameters = parameters
        self.trainingData = trainingData
        self.evaluationSet = evaluationSet
        self.validation = validation
        self.evaluation = evaluation
        self.artifactPath = artifactPath
        self.artifactSHA256 = artifactSHA256
        self.actor = actor
    }
}

/// The evaluation set a model family is compared on, frozen by content hash.
public struct FrozenEvaluationSet: Codable, Sendable, Equatable {
    public var family: String
    public var dataset: DatasetReference
    public var frozenAt: Date
    public var actor: String

    public init(family: String, dataset: DatasetReference, frozenAt: Date = Date(), actor: String) {
        self.family = family
        self.dataset = dataset
        self.frozenAt = frozenAt
        self.actor = actor
    }
}

/// A named pointer to a model version (MLflow-style aliases).
public enum ModelAlias: String, Codable, Sendable, CaseIterable {
    case champion, challenger
}

/// Why an alias moved.
public enum AliasAction: String, Codable, Sendable {
    /// The first registered model became champion.
    case initial
    /// Promoted through the gate.
    case promote
    /// Promoted past the gate with `--force` and a reason.
    case forcePromote = "force-promote"
    /// Champion moved back to the previous one.
    case rollback
    /// Challenger set or cleared.
    case assign
}

/// One move of an alias, kept forever (the alias history) and mirrored in the audit log.
public struct AliasChange: Codable, Sendable, Equatable {
    public var family: String
    public var alias: ModelAlias
    /// The version the alias points to after the change; nil when it was cleared.
    public var version: String?
    public var previousVersion: String?
    public var action: AliasAction
    public var actor: String
    public var reason: String
    public var at: Date

    public init(family: String, alias: ModelAlias, version: String?, previousVersion: String?, action: AliasAction,
                actor: String, reason: String, at: Date = Date()) {
        self.family = family
        self.alias = alias
        self.version = version
        self.previousVersion = previousVersion
        self.action = action
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

/// What one router said about a ticket, as kept for shadow evaluation.
public struct ShadowDecision: Codable, Sendable, Equatable {
    /// The most likely category (also when the router abstained).
    public var category: String
    public var abstained: Bool
    public var confidence: Double
    public var priority: Priority?

    public init(category: String, abstained: Bool, confidence: Double, priority: Priority?) {
        self.category = category
        self.abstained = abstained
        self.confidence = confidence
        self.priority = priority
    }
}

/// The champion's and the challenger's decisions on one live ticket, and the route an agent gave it, if any.
public struct ShadowPrediction: Codable, Sendable, Equatable {
    public var ticketExternalID: String
    public var championVersion: String
    public var challengerVersion: String
    public var champion: ShadowDecision
    public var challenger: ShadowDecision
    /// The category and priority agents last gave the ticket in a route correction (read back only).
    public var correctedCategory: String?
    public var correctedPriority: Priority?
    public var at: Date

    public init(ticketExternalID: String, championVersion: String, challengerVersion: String, champion: ShadowDecision,
                challenger: ShadowDecision, correctedCategory: String? = nil, correctedPriority: Priority? = nil,
                at: Date = Date()) {
        self.ticketExternalID = ticketExternalID
        self.championVersion = championVersion
        self.challengerVersion = challengerVersion
        self.champion = champion
        self.challenger = challenger
        self.correctedCategory = correctedCategory
        self.correctedPriority = correctedPriority
        self.at = at
    }
}

/// A text file that every process of an install reads, on whichever machine it runs: a router version's artefact
/// files, the latest monitor report. The store keeps it under its path in the home, so a replica with an empty
/// home loads any version and shows the latest report.
public struct SharedFile: Sendable, Equatable {
    /// The path inside the home, e.g. `models/router/<version>/router.json`.
    public var path: String
    public var text: String
    /// SHA-256 of the UTF-8 text, checked when the file is written back into a home.
    public var sha256: String
    public var savedAt: Date

    public init(path: String, text: String, savedAt: Date = Date()) {
        self.init(path: path, text: text, sha256: ContentHash.sha256(text), savedAt: savedAt)
    }

    /// A file as read back from a store (its recorded hash, which may no longer match a changed text).
    public init(path: String, text: String, sha256: String, savedAt: Date) {
        self.path = path
        self.text = text
        self.sha256 = sha256
        self.savedAt = savedAt
    }
}
