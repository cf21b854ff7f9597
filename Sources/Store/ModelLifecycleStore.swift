import Foundation

/// Durable records of the model lifecycle: training runs, registered versions, their metrics on evaluation
/// sets, the frozen evaluation set of each family, and aliases (champion, challenger) with their history.
/// Every alias move and every freeze is written to the audit log in the same transaction. The files every
/// process must read (router artefacts, the latest monitor report) are kept here too (`SharedFile`).
public protocol ModelLifecycleStore: Sendable {
    /// Records a training run, registers the version it produced and its metrics on its evaluation set, and
    /// writes an audit event, atomically. Returns the run with its id.
    func recordTrainingRun(_ run: TrainingRun) async throws -> TrainingRun
    /// A family's runs, newest first.
    func trainingRuns(family: String, limit: Int) async throws -> [TrainingRun]
    func trainingRun(id: Int64) async throws -> TrainingRun?
    func trainingRun(modelVersion: String) async throws -> TrainingRun?

    /// Records (or replaces) a version's metrics on the evaluation set with this content hash.
    func recordEvaluation(modelVersion: String, evaluationSetSHA256: String, metrics: ModelMetrics) async throws
    func evaluation(modelVersion: String, evaluationSetSHA256: String) async throws -> ModelMetrics?

    /// The family's frozen evaluation set, if one was frozen.
    func frozenEvaluationSet(family: String) async throws -> FrozenEvaluationSet?
    /// Freezes (or re-freezes) the family's evaluation set, audited with `reason`.
    func freezeEvaluationSet(_ set: FrozenEvaluationSet, reason: String) async throws

    /// Where each alias of the family points now. One indexed read: cheap enough to call per request.
    func aliases(family: String) async throws -> [ModelAlias: String]
    /// Moves (or clears) an alias, appends it to the alias history and the audit log, atomically. Fails when the
    /// alias no longer points to `change.previousVersion` (someone else moved it) or the version is unknown.
    func moveAlias(_ change: AliasChange) async throws
    /// The family's alias moves, oldest first.
    func aliasHistory(family: String) async throws -> [AliasChange]

    /// Records the challenger's decision beside the champion's for a live ticket (one row per ticket and
    /// challenger: a ticket triaged again replaces its row).
    func saveShadowPrediction(_ prediction: ShadowPrediction) async throws
    /// The challenger's shadow predictions, newest first, each with the ticket's latest route correction.
    func shadowPredictions(challengerVersion: String, limit: Int) async throws -> [ShadowPrediction]

    /// Saves files under their paths in the home, in one transaction; a path saved again is replaced.
    func saveSharedFiles(_ files: [SharedFile]) async throws
    /// The saved files whose path starts with `prefix`, ordered by path.
    func sharedFiles(under prefix: String) async throws -> [SharedFile]
}
