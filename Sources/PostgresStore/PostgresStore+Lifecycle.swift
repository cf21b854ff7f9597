import Domain
import Foundation
import PostgresNIO
import Store

/// The model lifecycle: training runs, versions, evaluations, frozen evaluation sets, aliases moved by
/// compare-and-set (under a per-alias advisory lock, so two replicas promoting at once cannot both win), the
/// append-only alias history, and shadow predictions.
extension PostgresStore: ModelLifecycleStore {
    public func recordTrainingRun(_ run: TrainingRun) async throws -> TrainingRun {
        let parameters = try Self.json(run.parameters), validation = try Self.json(run.validation)
        try refuseNUL([run.family, run.modelVersion, run.codeVersion, parameters, run.trainingData.path,
                       run.trainingData.sha256, run.evaluationSet?.path, run.evaluationSet?.sha256, validation,
                       run.artifactPath, run.artifactSHA256, run.actor], in: "training run")
        return try await transaction { connection in
            let inserted = try await connection.rows("""
                INSERT INTO training_runs (family, model_version, started_at, duration_seconds, code_version, parameters,
                    training_data, training_data_sha256, training_examples, evaluation_set, evaluation_set_sha256,
                    evaluation_examples, validation_metrics, artifact_path, artifact_sha256, actor)
                VALUES (\(run.family), \(run.modelVersion), \(run.startedAt), \(run.durationSeconds), \(run.codeVersion),
                        \(parameters), \(run.trainingData.path), \(run.trainingData.sha256), \(run.trainingData.examples),
                        \(run.evaluationSet?.path), \(run.evaluationSet?.sha256), \(run.evaluationSet?.examples),
                        \(validation), \(run.artifactPath), \(run.artifactSHA256), \(run.actor))
                RETURNING id
                """, logger: logger)
            var recorded = run
            recorded.id = try inserted[0].decode(Int64.self)
            try await connection.query("""
                INSERT INTO model_versions (version, family, run_id, registered_at)
                VALUES (\(run.modelVersion), \(run.family), \(recorded.id), \(Date()))
                """, logger: logger)
            if let set = run.evaluationSet, let metrics = run.evaluation {
                try await Self.upsertEvaluation(connection, version: run.modelVersion, setSHA256: set.sha256,
                                                metrics: metrics, logger: logger)
            }
            let eval = run.evaluation.map { String(format: ", frozen-set accuracy %.3f (n = %d)", $0.accuracy, $0.n) } ?? ""
            try await Self.insertAudit(AuditEvent(
                actor: run.actor, action: "model.train", target: run.modelVersion,
                details: "run \(recorded.id): \(run.trainingData.examples) examples (sha256 \(run.trainingData.sha256.prefix(12))), "
                    + "code \(run.codeVersion), artefact sha256 \(run.artifactSHA256.prefix(12))" + eval),
                connection, logger: logger)
            return recorded
        }
    }

    public func trainingRuns(family: String, limit: Int) async throws -> [TrainingRun] {
        try await trainingRuns("""
            SELECT \(unescaped: Self.runColumnsOfTraining) FROM training_runs r WHERE r.family = \(family)
            ORDER BY r.id DESC LIMIT \(limit)
            """)
    }

    public func trainingRun(id: Int64) async throws -> TrainingRun? {
        try await trainingRuns("SELECT \(unescaped: Self.runColumnsOfTraining) FROM training_runs r WHERE r.id = \(id)").first
    }

    public func trainingRun(modelVersion: String) async throws -> TrainingRun? {
        try await trainingRuns("""
            SELECT \(unescaped: Self.runColumnsOfTraining) FROM model_versions v JOIN training_runs r ON r.id = v.run_id
            WHERE v.version = \(modelVersion)
            """).first
    }

    public func recordEvaluation(modelVersion: String, evaluationSetSHA256: String, metrics: ModelMetrics) async throws {
        try await client.withConnection { connection in
            try await Self.upsertEvaluation(connection, version: modelVersion, setSHA256: evaluationSetSHA256,
                                            metrics: metrics, logger: logger)
        }
    }

    public func evaluation(modelVersion: String, evaluationSetSHA256: String) async throws -> ModelMetrics? {
        try await client.withConnection { connection in
            try await Self.evaluation(connection, version: modelVersion, setSHA256: evaluationSetSHA256, logger: logger)
        }
    }

    public func frozenEvaluationSet(family: String) async throws -> FrozenEvaluationSet? {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT family, path, sha256, examples, frozen_at, actor FROM frozen_evaluation_sets WHERE family = \(family)
                """, logger: logger).first.map { row in
                let (family, path, sha256, examples, frozenAt, actor) = try row.decode((String, String, String, Int, Date, String).self)
                return FrozenEvaluationSet(family: family, dataset: DatasetReference(path: path, sha256: sha256, examples: examples),
                                           frozenAt: frozenAt, actor: actor)
            }
        }
    }

    public func freezeEvaluationSet(_ set: FrozenEvaluationSet, reason: String) async throws {
        try refuseNUL([set.family, set.dataset.path, set.dataset.sha256, set.actor, reason], in: "evaluation set")
        try await transaction { connection in
            let previous = try await connection.rows(
                "SELECT sha256 FROM frozen_evaluation_sets WHERE family = \(set.family) FOR UPDATE", logger: logger
            ).first.map { try $0.decode(String.self) }
            try await connection.query("""
                INSERT INTO frozen_evaluation_sets (family, path, sha256, examples, frozen_at, actor)
                VALUES (\(set.family), \(set.dataset.path), \(set.dataset.sha256), \(set.dataset.examples), \(set.frozenAt), \(set.actor))
                ON CONFLICT (family) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256,
                    examples = excluded.examples, frozen_at = excluded.frozen_at, actor = excluded.actor
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(
                actor: set.actor, action: previous == nil ? "evalset.freeze" : "evalset.refreeze", target: set.family,
                details: "\(set.dataset.path) (sha256 \(set.dataset.sha256), \(set.dataset.examples) examples)"
                    + (previous.map { ", was sha256 \($0)" } ?? "") + "; reason: \(reason)"), connection, logger: logger)
        }
    }

    public func aliases(family: String) async throws -> [ModelAlias: String] {
        try await client.withConnection { connection in
            var aliases: [ModelAlias: String] = [:]
            for row in try await connection.rows(
                "SELECT alias, version FROM model_aliases WHERE family = \(family)", logger: logger) {
                let (alias, version) = try row.decode((String, String).self)
                if let alias = ModelAlias(rawValue: alias) { aliases[alias] = version }
            }
            return aliases
        }
    }

    public func moveAlias(_ change: AliasChange) async throws {
        try refuseNUL([change.family, change.version, change.previousVersion, change.actor, change.reason], in: "alias move")
        try await transaction { connection in
            // Compare-and-set: one mover of this alias at a time (also while it is unset, when no row can be locked).
            try await connection.query("""
                SELECT pg_advisory_xact_lock(hashtextextended('localtriage.alias:' || \(change.family) || ':' || \(change.alias.rawValue), 0))
                """, logger: logger)
            let current = try await connection.rows("""
                SELECT version FROM model_aliases WHERE family = \(change.family) AND alias = \(change.alias.rawValue)
                """, logger: logger).first.map { try $0.decode(String.self) }
            guard current == change.previousVersion else {
                throw StoreError("\(change.alias.rawValue) is \(current ?? "unset"), not \(change.previousVersion ?? "unset"): "
                    + "it was moved meanwhile; look again and retry")
            }
            if let version = change.version {
                let registered = try await connection.rows(
                    "SELECT 1 FROM model_versions WHERE version = \(version) AND family = \(change.family)", logger: logger)
                guard !registered.isEmpty else { throw StoreError("no registered \(change.family) version \(version)") }
                try await connection.query("""
                    INSERT INTO model_aliases (family, alias, version) VALUES (\(change.family), \(change.alias.rawValue), \(version))
                    ON CONFLICT (family, alias) DO UPDATE SET version = excluded.version
                    """, logger: logger)
            } else {
                try await connection.query(
                    "DELETE FROM model_aliases WHERE family = \(change.family) AND alias = \(change.alias.rawValue)",
                    logger: logger)
            }
            try await connection.query("""
                INSERT INTO alias_history (family, alias, version, previous_version, action, actor, reason, at)
                VALUES (\(change.family), \(change.alias.rawValue), \(change.version), \(change.previousVersion),
                        \(change.action.rawValue), \(change.actor), \(change.reason), \(change.at))
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(
                at: change.at, actor: change.actor, action: "model.\(change.alias.rawValue).\(change.action.rawValue)",
                target: change.version ?? change.previousVersion ?? change.family,
                details: "\(change.family) \(change.alias.rawValue): \(change.previousVersion ?? "none") → "
                    + "\(change.version ?? "none"); reason: \(change.reason)"), connection, logger: logger)
        }
    }

    public func aliasHistory(family: String) async throws -> [AliasChange] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT family, alias, version, previous_version, action, actor, reason, at FROM alias_history
                WHERE family = \(family) ORDER BY id
                """, logger: logger).compactMap { row in
                let (family, alias, version, previous, action, actor, reason, at) = try row.decode(
                    (String, String, String?, String?, String, String, String, Date).self)
                guard let alias = ModelAlias(rawValue: alias), let action = AliasAction(rawValue: action) else { return nil }
                return AliasChange(family: family, alias: alias, version: version, previousVersion: previous,
                                   action: action, actor: actor, reason: reason, at: at)
            }
        }
    }

    public func saveShadowPrediction(_ p: ShadowPrediction) async throws {
        let champion = try Self.json(p.champion), challenger = try Self.json(p.challenger)
        try refuseNUL([p.ticketExternalID, p.championVersion, p.challengerVersion, champion, challenger], in: "shadow prediction")
        let saved = try await client.withConnection { connection in
            try await connection.rows("""
                INSERT INTO shadow_predictions (ticket_id, champion_version, challenger_version, champion, challenger, at)
                SELECT id, \(p.championVersion), \(p.challengerVersion), \(champion), \(challenger), \(p.at)
                FROM tickets WHERE external_id = \(p.ticketExternalID)
                ON CONFLICT (ticket_id, challenger_version) DO UPDATE SET champion_version = excluded.champion_version,
                    champion = excluded.champion, challenger = excluded.challenger, at = excluded.at
                RETURNING id
                """, logger: logger)
        }
        guard saved.count == 1 else { throw StoreError("no ticket \(p.ticketExternalID)") }
    }

    public func shadowPredictions(challengerVersion: String, limit: Int) async throws -> [ShadowPrediction] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT t.external_id, s.champion_version, s.challenger_version, s.champion, s.challenger, s.at,
                       (SELECT category FROM route_corrections WHERE ticket_id = s.ticket_id AND category IS NOT NULL
                        ORDER BY id DESC LIMIT 1),
                       (SELECT priority FROM route_corrections WHERE ticket_id = s.ticket_id AND priority IS NOT NULL
                        ORDER BY id DESC LIMIT 1)
                FROM shadow_predictions s JOIN tickets t ON t.id = s.ticket_id
                WHERE s.challenger_version = \(challengerVersion) ORDER BY s.id DESC LIMIT \(limit)
                """, logger: logger).map { row in
                let (ticket, championVersion, challengerVersion, champion, challenger, at, category, priority) = try row.decode(
                    (String, String, String, String, String, Date, String?, String?).self)
                return ShadowPrediction(
                    ticketExternalID: ticket, championVersion: championVersion, challengerVersion: challengerVersion,
                    champion: try Self.decodeJSON(champion), challenger: try Self.decodeJSON(challenger),
                    correctedCategory: category, correctedPriority: priority.flatMap(Priority.init(rawValue:)), at: at)
            }
        }
    }

    public func saveSharedFiles(_ files: [SharedFile]) async throws {
        try refuseNUL(files.flatMap { [$0.path, $0.text] }, in: "shared file")
        try await transaction { connection in
            for file in files {
                try await connection.query("""
                    INSERT INTO shared_files (path, text, sha256, saved_at)
                    VALUES (\(file.path), \(file.text), \(file.sha256), \(file.savedAt))
                    ON CONFLICT (path) DO UPDATE SET text = excluded.text, sha256 = excluded.sha256, saved_at = excluded.saved_at
                    """, logger: logger)
            }
        }
    }

    public func sharedFiles(under prefix: String) async throws -> [SharedFile] {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT path, text, sha256, saved_at FROM shared_files WHERE starts_with(path, \(prefix)) ORDER BY path
                """, logger: logger).map { row in
                let (path, text, sha256, savedAt) = try row.decode((String, String, String, Date).self)
                return SharedFile(path: path, text: text, sha256: sha256, savedAt: savedAt)
            }
        }
    }

    // MARK: Row mapping

    static let runColumnsOfTraining = """
        r.id, r.family, r.model_version, r.started_at, r.duration_seconds, r.code_version, r.parameters, r.training_data, \
        r.training_data_sha256, r.training_examples, r.evaluation_set, r.evaluation_set_sha256, r.evaluation_examples, \
        r.validation_metrics, r.artifact_path, r.artifact_sha256, r.actor
        """

    private func trainingRuns(_ query: PostgresQuery) async throws -> [TrainingRun] {
        try await client.withConnection { connection in
            var runs: [TrainingRun] = []
            for row in try await connection.rows(query, logger: logger) {
                let c = row.makeRandomAccess()
                var evaluationSet: DatasetReference?
                if let path = try c[10].decode(String?.self), let sha256 = try c[11].decode(String?.self) {
                    evaluationSet = DatasetReference(path: path, sha256: sha256, examples: try c[12].decode(Int?.self) ?? 0)
                }
                let version = try c[2].decode(String.self)
                var evaluation: ModelMetrics?
                if let set = evaluationSet {
                    evaluation = try await Self.evaluation(connection, version: version, setSHA256: set.sha256, logger: logger)
                }
                runs.append(TrainingRun(
                    id: try c[0].decode(Int64.self), family: try c[1].decode(String.self), modelVersion: version,
                    startedAt: try c[3].decode(Date.self), durationSeconds: try c[4].decode(Double.self),
                    codeVersion: try c[5].decode(String.self), parameters: try Self.decodeJSON(try c[6].decode(String.self)),
                    trainingData: DatasetReference(path: try c[7].decode(String.self), sha256: try c[8].decode(String.self),
                                                   examples: try c[9].decode(Int.self)),
                    evaluationSet: evaluationSet, validation: try Self.decodeJSON(try c[13].decode(String.self)),
                    evaluation: evaluation, artifactPath: try c[14].decode(String.self),
                    artifactSHA256: try c[15].decode(String.self), actor: try c[16].decode(String.self)))
            }
            return runs
        }
    }

    static func upsertEvaluation(_ connection: PostgresConnection, version: String, setSHA256: String,
                                 metrics: ModelMetrics, logger: Logger) async throws {
        let json = try json(metrics)
        try refuseNUL([version, setSHA256], in: "evaluation")
        try await connection.query("""
            INSERT INTO model_evaluations (model_version, evaluation_set_sha256, metrics, evaluated_at)
            VALUES (\(version), \(setSHA256), \(json), \(Date()))
            ON CONFLICT (model_version, evaluation_set_sha256) DO UPDATE SET metrics = excluded.metrics,
                evaluated_at = excluded.evaluated_at
            """, logger: logger)
    }

    static func evaluation(_ connection: PostgresConnection, version: String, setSHA256: String, logger: Logger)
        async throws -> ModelMetrics? {
        try await connection.rows("""
            SELECT metrics FROM model_evaluations WHERE model_version = \(version) AND evaluation_set_sha256 = \(setSHA256)
            """, logger: logger).first.map { try decodeJSON(try $0.decode(String.self)) }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
