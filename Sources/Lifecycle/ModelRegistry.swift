import Domain
import Foundation
import Store

/// The registry of router versions: every trained version is registered with its run; the `champion` alias
/// names the one that answers, the `challenger` alias the one being tried. Promotion passes a gate on the frozen
/// evaluation set (or is forced with a reason); rollback returns to the previous champion in one step. Every
/// alias move is written to the alias history and the audit log with its actor and reason.
///
/// Shared by the CLI and the HTTP server; cheap to create (it holds the store and the home, nothing else).
public struct ModelRegistry: Sendable {
    /// The model family this registry manages.
    public static let family = "router"

    public let store: any ModelLifecycleStore
    public let home: URL

    public init(store: any ModelLifecycleStore, home: URL) {
        self.store = store
        self.home = home
    }

    /// A registered version as listed: its run, its aliases, its metrics on the current frozen set.
    public struct VersionSummary: Codable, Sendable {
        public var version: String
        public var aliases: [ModelAlias]
        public var run: TrainingRun
        /// Metrics on the family's current frozen evaluation set; nil when it was not evaluated on it.
        public var frozenSetMetrics: ModelMetrics?
    }

    /// A promotion that happened, with the gate's verdict (also for a forced one).
    public struct Promotion: Codable, Sendable {
        public var change: AliasChange
        public var verdict: PromotionGate.Verdict
        public var forced: Bool
    }

    /// A promotion the gate refused, with the numbers it compared.
    public struct PromotionRefused: Error, CustomStringConvertible, Sendable {
        public var version: String
        public var verdict: PromotionGate.Verdict
        public var description: String { "promotion of \(version) refused: \(verdict.explanation)" }
    }

    // MARK: Reading

    /// The champion's version, or nil when none is registered. One indexed read of the store: a long-running
    /// process may call it per request to notice a promotion or rollback (see `RouterLoader`).
    public func championVersion() async throws -> String? {
        try await store.aliases(family: Self.family)[.champion]
    }

    public func aliases() async throws -> [ModelAlias: String] {
        try await store.aliases(family: Self.family)
    }

    /// Registered versions, newest first.
    public func versions(limit: Int = 100) async throws -> [VersionSummary] {
        let aliases = try await store.aliases(family: Self.family)
        let frozen = try await store.frozenEvaluationSet(family: Self.family)
        var summaries: [VersionSummary] = []
        for run in try await store.trainingRuns(family: Self.family, limit: limit) {
            var metrics: ModelMetrics?
            if let frozen {
                metrics = try await store.evaluation(modelVersion: run.modelVersion, evaluationSetSHA256: frozen.dataset.sha256)
            }
            summaries.append(VersionSummary(
                version: run.modelVersion, aliases: ModelAlias.allCases.filter { aliases[$0] == run.modelVersion },
                run: run, frozenSetMetrics: metrics))
        }
        return summaries
    }

    /// Every alias move, oldest first.
    public func history() async throws -> [AliasChange] {
        try await store.aliasHistory(family: Self.family)
    }

    // MARK: Registering

    /// Records a training run and registers its version; the family's first version becomes champion
    /// (audited as `initial`). Returns the recorded run and the champion change, if any.
    public func register(_ run: TrainingRun) async throws -> (run: TrainingRun, championChange: AliasChange?) {
        let recorded = try await store.recordTrainingRun(run)
        guard try await championVersion() == nil else { return (recorded, nil) }
        let change = AliasChange(family: Self.family, alias: .champion, version: run.modelVersion, previousVersion: nil,
                                 action: .initial, actor: run.actor, reason: "first registered version")
        try await store.moveAlias(change)
        return (recorded, change)
    }

    /// Checks `proposed` against the family's frozen evaluation set: the first set given is frozen; a set with
    /// other content is refused unless `refreezeReason` is given, which re-freezes it (audited).
    /// Returns true when the set was (re)frozen by this call.
    @discardableResult
    public func admitEvaluationSet(_ proposed: DatasetReference, refreezeReason: String?, actor: String) async throws -> Bool {
        let frozen = try await store.frozenEvaluationSet(family: Self.family)
        if let frozen, frozen.dataset.sha256 == proposed.sha256 { return false }
        if let frozen, refreezeReason == nil {
            throw LifecycleError("""
                the evaluation set \(proposed.path) (sha256 \(proposed.sha256.prefix(12)), \(proposed.examples) examples) \
                differs from the frozen one \(frozen.dataset.path) (sha256 \(frozen.dataset.sha256.prefix(12)), \
                \(frozen.dataset.examples) examples) that promotions compare on; re-freeze it explicitly with \
                --refreeze-eval-set --reason TEXT
                """)
        }
        if let refreezeReason, refreezeReason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw LifecycleError("re-freezing the evaluation set needs a reason")
        }
        try await store.freezeEvaluationSet(FrozenEvaluationSet(family: Self.family, dataset: proposed, actor: actor),
                                            reason: refreezeReason ?? "first evaluation set given")
        return true
    }

    // MARK: Moving aliases

    /// Makes `version` the champion when it passes `gate` against the current champion on the frozen evaluation
    /// set; throws `PromotionRefused` otherwise. With `forceReason` it is promoted whatever the gate says, and
    /// the verdict and reason are audited. A challenger that is promoted stops being the challenger.
    public func promote(_ version: String, gate: PromotionGate = PromotionGate(), forceReason: String? = nil,
                        actor: String) async throws -> Promotion {
        if let forceReason, forceReason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw LifecycleError("a forced promotion needs a reason")
        }
        try await verifyArtifact(version)
        let aliases = try await store.aliases(family: Self.family)
        let champion = aliases[.champion]
        guard champion != version else { throw LifecycleError("\(version) is already the champion") }
        let verdict: PromotionGate.Verdict
        if let champion, let frozen = try await store.frozenEvaluationSet(family: Self.family) {
            let sha = frozen.dataset.sha256
            verdict = gate.judge(
                candidate: try await store.evaluation(modelVersion: version, evaluationSetSHA256: sha),
                champion: try await store.evaluation(modelVersion: champion, evaluationSetSHA256: sha),
                evaluationSet: "\(frozen.dataset.path) (sha256 \(sha.prefix(12)))")
        } else if let champion {
            guard forceReason != nil else {
                throw LifecycleError("no frozen evaluation set to compare \(version) with the champion \(champion): "
                    + "train with --eval-set FILE (or force the promotion with a reason)")
            }
            verdict = PromotionGate.Verdict(passed: false, explanation: "no frozen evaluation set to compare with \(champion)")
        } else {
            verdict = PromotionGate.Verdict(passed: true, explanation: "no champion yet")
        }
        if !verdict.passed && forceReason == nil { throw PromotionRefused(version: version, verdict: verdict) }
        let forced = forceReason != nil
        let change = AliasChange(
            family: Self.family, alias: .champion, version: version, previousVersion: champion,
            action: forced ? .forcePromote : .promote, actor: actor,
            reason: forceReason.map { "forced: \($0); gate: \(verdict.explanation)" } ?? "gate passed: \(verdict.explanation)")
        try await store.moveAlias(change)
        if aliases[.challenger] == version {
            try await store.moveAlias(AliasChange(
                family: Self.family, alias: .challenger, version: nil, previousVersion: version, action: .assign,
                actor: actor, reason: "promoted to champion"))
        }
        return Promotion(change: change, verdict: verdict, forced: forced)
    }

    /// Moves the champion back to the previous one (the champion before the last promotion still in force).
    public func rollback(actor: String, reason: String = "rollback") async throws -> AliasChange {
        let history = try await store.aliasHistory(family: Self.family)
        let current = try await championVersion()
        guard let current else { throw LifecycleError("no champion to roll back") }
        guard let target = ChampionLineage.rollbackTarget(history) else {
            throw LifecycleError("\(current) is the first champion: there is no previous one to roll back to")
        }
        try await verifyArtifact(target)
        let change = AliasChange(family: Self.family, alias: .champion, version: target, previousVersion: current,
                                 action: .rollback, actor: actor, reason: reason)
        try await store.moveAlias(change)
        return change
    }

    /// Names `version` the challenger (nil clears the alias).
    public func setChallenger(_ version: String?, actor: String, reason: String = "challenger assigned") async throws
        -> AliasChange {
        if let version { try await verifyArtifact(version) }
        let change = AliasChange(family: Self.family, alias: .challenger, version: version,
                                 previousVersion: try await aliases()[.challenger], action: .assign, actor: actor,
                                 reason: reason)
        try await store.moveAlias(change)
        return change
    }

    // MARK: Artefacts

    /// Saves the files of a version's folder in the store, so that every process of the install can load it.
    public func publishArtifact(_ version: String) async throws {
        try await store.publishFolder(RouterArtifact.folder(version: version), home: home)
    }

    /// Makes sure the home holds the version's files, writing them from the store when the home lacks them (a
    /// replica with an empty home, a machine other than the one that trained it). Returns the version's folder.
    @discardableResult
    public func restoreArtifact(_ version: String) async throws -> URL {
        let directory = RouterArtifact.directory(version: version, home: home)
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("router.json").path) {
            try await store.restoreFolder(RouterArtifact.folder(version: version), home: home)
        }
        return directory
    }

    /// Refuses a version that is not registered, or whose artefact is missing or differs from what was recorded.
    private func verifyArtifact(_ version: String) async throws {
        guard let run = try await store.trainingRun(modelVersion: version) else {
            throw LifecycleError("no registered router version \(version): see `localtriage models list`")
        }
        let file = try await restoreArtifact(version).appendingPathComponent("router.json")
        guard let sha = try? ContentHash.sha256(fileAt: file) else {
            throw LifecycleError("the artefact of \(version) is missing: \(file.path)")
        }
        guard sha == run.artifactSHA256 else {
            throw LifecycleError("the artefact of \(version) changed since training (sha256 \(sha.prefix(12)), "
                + "recorded \(run.artifactSHA256.prefix(12)))")
        }
    }
}
