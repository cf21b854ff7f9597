import Domain
import Foundation
import GRDB

/// The model lifecycle tables of the embedded store (migration "v5-model-lifecycle").
extension SQLiteStore {
    public func recordTrainingRun(_ run: TrainingRun) async throws -> TrainingRun {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO training_runs (family, model_version, started_at, duration_seconds, code_version, parameters,
                    training_data, training_data_sha256, training_examples, evaluation_set, evaluation_set_sha256,
                    evaluation_examples, validation_metrics, artifact_path, artifact_sha256, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    run.family, run.modelVersion, run.startedAt, run.durationSeconds, run.codeVersion,
                    try Self.json(run.parameters), run.trainingData.path, run.trainingData.sha256,
                    run.trainingData.examples, run.evaluationSet?.path, run.evaluationSet?.sha256,
                    run.evaluationSet?.examples, try Self.json(run.validation), run.artifactPath, run.artifactSHA256,
                    run.actor,
                ])
            var recorded = run
            recorded.id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO model_versions (version, family, run_id, registered_at) VALUES (?, ?, ?, ?)",
                           arguments: [run.modelVersion, run.family, recorded.id, Date()])
            if let set = run.evaluationSet, let metrics = run.evaluation {
                try Self.upsertEvaluation(db, version: run.modelVersion, setSHA256: set.sha256, metrics: metrics)
            }
            let eval = run.evaluation.map { String(format: ", frozen-set accuracy %.3f (n = %d)", $0.accuracy, $0.n) } ?? ""
            try Self.insertAudit(AuditEvent(
                actor: run.actor, action: "model.train", target: run.modelVersion,
                details: "run \(recorded.id): \(run.trainingData.examples) examples (sha256 \(run.trainingData.sha256.prefix(12))), "
                    + "code \(run.codeVersion), artefact sha256 \(run.artifactSHA256.prefix(12))" + eval), db: db)
            return recorded
        }
    }

    public func trainingRuns(family: String, limit: Int) async throws -> [TrainingRun] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM training_runs WHERE family = ? ORDER BY id DESC LIMIT ?",
                             arguments: [family, limit]).map { try Self.trainingRun($0, db: db) }
        }
    }

    public func trainingRun(id: Int64) async throws -> TrainingRun? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM training_runs WHERE id = ?", arguments: [id])
                .map { try Self.trainingRun($0, db: db) }
        }
    }

    public func trainingRun(modelVersion: String) async throws -> TrainingRun? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT r.* FROM model_versions v JOIN training_runs r ON r.id = v.run_id WHERE v.version = ?
                """, arguments: [modelVersion]).map { try Self.trainingRun($0, db: db) }
        }
    }

    public func recordEvaluation(modelVersion: String, evaluationSetSHA256: String, metrics: ModelMetrics) async throws {
        try await pool.write { db in
            try Self.upsertEvaluation(db, version: modelVersion, setSHA256: evaluationSetSHA256, metrics: metrics)
        }
    }

    public func evaluation(modelVersion: String, evaluationSetSHA256: String) async throws -> ModelMetrics? {
        try await pool.read { db in try Self.evaluation(db, version: modelVersion, setSHA256: evaluationSetSHA256) }
    }

    public func frozenEvaluationSet(family: String) async throws -> FrozenEvaluationSet? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM frozen_evaluation_sets WHERE family = ?", arguments: [family])
                .map { row in
                    FrozenEvaluationSet(
                        family: row["family"],
                        dataset: DatasetReference(path: row["path"], sha256: row["sha256"], examples: row["examples"]),
                        frozenAt: row["frozen_at"], actor: row["actor"])
                }
        }
    }

    public func freezeEvaluationSet(_ set: FrozenEvaluationSet, reason: String) async throws {
        try await pool.write { db in
            let previous = try String.fetchOne(db, sql: "SELECT sha256 FROM frozen_evaluation_sets WHERE family = ?",
                                               arguments: [set.family])
            try db.execute(sql: """
                INSERT INTO frozen_evaluation_sets (family, path, sha256, examples, frozen_at, actor) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (family) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256,
                    examples = excluded.examples, frozen_at = excluded.frozen_at, actor = excluded.actor
                """, arguments: [set.family, set.dataset.path, set.dataset.sha256, set.dataset.examples, set.frozenAt,
                                 set.actor])
            try Self.insertAudit(AuditEvent(
                actor: set.actor, action: previous == nil ? "evalset.freeze" : "evalset.refreeze", target: set.family,
                details: "\(set.dataset.path) (sha256 \(set.dataset.sha256), \(set.dataset.examples) examples)"
                    + (previous.map { ", was sha256 \($0)" } ?? "") + "; reason: \(reason)"), db: db)
        }
    }

    public func aliases(family: String) async throws -> [ModelAlias: String] {
        try await pool.read { db in
            var aliases: [ModelAlias: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT alias, version FROM model_aliases WHERE family = ?",
                                        arguments: [family]) {
                if let alias = ModelAlias(rawValue: row["alias"]) { aliases[alias] = row["version"] }
            }
            return aliases
        }
    }

    public func moveAlias(_ change: AliasChange) async throws {
        try await pool.write { db in
            let current = try String.fetchOne(db, sql: "SELECT version FROM model_aliases WHERE family = ? AND alias = ?",
                                              arguments: [change.family, change.alias.rawValue])
            guard current == change.previousVersion else {
                throw StoreError("\(change.alias.rawValue) is \(current ?? "unset"), not \(change.previousVersion ?? "unset"): "
                    + "it was moved meanwhile; look again and retry")
            }
            if let version = change.version {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM model_versions WHERE version = ? AND family = ?",
                                        arguments: [version, change.family]) == true else {
                    throw StoreError("no registered \(change.family) version \(version)")
                }
                try db.execute(sql: """
                    INSERT INTO model_aliases (family, alias, version) VALUES (?, ?, ?)
                    ON CONFLICT (family, alias) DO UPDATE SET version = excluded.version
                    """, arguments: [change.family, change.alias.rawValue, version])
            } else {
                try db.execute(sql: "DELETE FROM model_aliases WHERE family = ? AND alias = ?",
                               arguments: [change.family, change.alias.rawValue])
            }
            try db.execute(sql: """
                INSERT INTO alias_history (family, alias, version, previous_version, action, actor, reason, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [change.family, change.alias.rawValue, change.version, change.previousVersion,
                                 change.action.rawValue, change.actor, change.reason, change.at])
            try Self.insertAudit(AuditEvent(
                at: change.at, actor: change.actor, action: "model.\(change.alias.rawValue).\(change.action.rawValue)",
                target: change.version ?? change.previousVersion ?? change.family,
                details: "\(change.family) \(change.alias.rawValue): \(change.previousVersion ?? "none") → "
                    + "\(change.version ?? "none"); reason: \(change.reason)"), db: db)
        }
    }

    public func aliasHistory(family: String) async throws -> [AliasChange] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alias_history WHERE family = ? ORDER BY id", arguments: [family])
                .compactMap { row in
                    guard let alias = ModelAlias(rawValue: row["alias"]),
                          let action = AliasAction(rawValue: row["action"]) else { return nil }
                    return AliasChange(family: row["family"], alias: alias, version: row["version"],
                                       previousVersion: row["previous_version"], action: action, actor: row["actor"],
                                       reason: row["reason"], at: row["at"])
                }
        }
    }

    public func saveShadowPrediction(_ p: ShadowPrediction) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO shadow_predictions (ticket_id, champion_version, challenger_version, champion, challenger, at)
                SELECT id, ?, ?, ?, ?, ? FROM tickets WHERE external_id = ?
                ON CONFLICT (ticket_id, challenger_version) DO UPDATE SET champion_version = excluded.champion_version,
                    champion = excluded.champion, challenger = excluded.challenger, at = excluded.at
                """, arguments: [p.championVersion, p.challengerVersion, try Self.json(p.champion),
                                 try Self.json(p.challenger), p.at, p.ticketExternalID])
            guard db.changesCount == 1 else { throw StoreError("no ticket \(p.ticketExternalID)") }
        }
    }

    public func shadowPredictions(challengerVersion: String, limit: Int) async throws -> [ShadowPrediction] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.external_id, s.champion_version, s.challenger_version, s.champion, s.challenger, s.at,
                       (SELECT category FROM route_corrections WHERE ticket_id = s.ticket_id AND category IS NOT NULL
                        ORDER BY id DESC LIMIT 1) AS corrected_category,
                       (SELECT priority FROM route_corrections WHERE ticket_id = s.ticket_id AND priority IS NOT NULL
                        ORDER BY id DESC LIMIT 1) AS corrected_priority
                FROM shadow_predictions s JOIN tickets t ON t.id = s.ticket_id
                WHERE s.challenger_version = ? ORDER BY s.id DESC LIMIT ?
                """, arguments: [challengerVersion, limit]).map { row in
                ShadowPrediction(
                    ticketExternalID: row["external_id"], championVersion: row["champion_version"],
                    challengerVersion: row["challenger_version"], champion: try Self.decode(row["champion"]),
                    challenger: try Self.decode(row["challenger"]), correctedCategory: row["corrected_category"],
                    correctedPriority: (row["corrected_priority"] as String?).flatMap(Priority.init(rawValue:)), at: row["at"])
            }
        }
    }

    public func saveSharedFiles(_ files: [SharedFile]) async throws {
        try await pool.write { db in
            for file in files {
                try db.execute(sql: """
                    INSERT INTO shared_files (path, text, sha256, saved_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (path) DO UPDATE SET text = excluded.text, sha256 = excluded.sha256, saved_at = excluded.saved_at
                    """, arguments: [file.path, file.text, file.sha256, file.savedAt])
            }
        }
    }

    public func sharedFiles(under prefix: String) async throws -> [SharedFile] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT path, text, sha256, saved_at FROM shared_files WHERE substr(path, 1, ?) = ? ORDER BY path
                """, arguments: [prefix.count, prefix]).map { row in
                SharedFile(path: row["path"], text: row["text"], sha256: row["sha256"], savedAt: row["saved_at"])
            }
        }
    }

    // MARK: Row mapping

    private static func trainingRun(_ row: Row, db: Database) throws -> TrainingRun {
        var evaluationSet: DatasetReference?
        if let path: String = row["evaluation_set"], let sha256: String = row["evaluation_set_sha256"] {
            evaluationSet = DatasetReference(path: path, sha256: sha256, examples: row["evaluation_examples"] ?? 0)
        }
        let version: String = row["model_version"]
        return TrainingRun(
            id: row["id"], family: row["family"], modelVersion: version, startedAt: row["started_at"],
            durationSeconds: row["duration_seconds"], codeVersion: row["code_version"],
            parameters: try decode(row["parameters"]),
            trainingData: DatasetReference(path: row["training_data"], sha256: row["training_data_sha256"],
                                           examples: row["training_examples"]),
            evaluationSet: evaluationSet, validation: try decode(row["validation_metrics"]),
            evaluation: try evaluationSet.flatMap { try evaluation(db, version: version, setSHA256: $0.sha256) },
            artifactPath: row["artifact_path"], artifactSHA256: row["artifact_sha256"], actor: row["actor"])
    }

    private static func upsertEvaluation(_ db: Database, version: String, setSHA256: String, metrics: ModelMetrics) throws {
        try db.execute(sql: """
            INSERT INTO model_evaluations (model_version, evaluation_set_sha256, metrics, evaluated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (model_version, evaluation_set_sha256) DO UPDATE SET metrics = excluded.metrics,
                evaluated_at = excluded.evaluated_at
            """, arguments: [version, setSHA256, try json(metrics), Date()])
    }

    private static func evaluation(_ db: Database, version: String, setSHA256: String) throws -> ModelMetrics? {
        try String.fetchOne(db, sql: """
            SELECT metrics FROM model_evaluations WHERE model_version = ? AND evaluation_set_sha256 = ?
            """, arguments: [version, setSHA256]).map { try decode($0) }
    }

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
