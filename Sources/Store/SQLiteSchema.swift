import Domain
import GRDB

/// Versioned migrations of the embedded store. Add a new `registerMigration` for every change; never edit one
/// that has shipped.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tickets-kb-ingest-audit") { db in
            try db.execute(sql: """
                CREATE TABLE tickets (
                    id INTEGER PRIMARY KEY,
                    external_id TEXT NOT NULL UNIQUE,
                    subject TEXT,
                    body TEXT NOT NULL,
                    customer TEXT,
                    channel TEXT,
                    language TEXT,
                    category TEXT,
                    priority TEXT CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
                    status TEXT,
                    created_at DATETIME,
                    resolved_at DATETIME,
                    resolution TEXT,
                    extra TEXT NOT NULL DEFAULT '{}',
                    content_hash TEXT NOT NULL,
                    ingested_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE INDEX tickets_category ON tickets(category);
                CREATE INDEX tickets_created_at ON tickets(created_at);

                CREATE TABLE articles (
                    id INTEGER PRIMARY KEY,
                    external_id TEXT NOT NULL UNIQUE,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    category TEXT,
                    tags TEXT NOT NULL DEFAULT '[]',
                    version INTEGER NOT NULL DEFAULT 1,
                    updated_at DATETIME,
                    source TEXT,
                    content_hash TEXT NOT NULL,
                    ingested_at DATETIME NOT NULL
                );

                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY,
                    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    heading TEXT NOT NULL,
                    text TEXT NOT NULL,
                    start_offset INTEGER NOT NULL,
                    end_offset INTEGER NOT NULL,
                    UNIQUE (article_id, ordinal)
                );

                CREATE TABLE ingest_runs (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    source TEXT NOT NULL,
                    source_hash TEXT NOT NULL,
                    status TEXT NOT NULL,
                    position INTEGER NOT NULL DEFAULT 0,
                    resumed_from INTEGER NOT NULL DEFAULT 0,
                    read INTEGER NOT NULL DEFAULT 0,
                    stored INTEGER NOT NULL DEFAULT 0,
                    updated INTEGER NOT NULL DEFAULT 0,
                    unchanged INTEGER NOT NULL DEFAULT 0,
                    quarantined INTEGER NOT NULL DEFAULT 0,
                    started_at DATETIME NOT NULL,
                    finished_at DATETIME
                );
                CREATE INDEX ingest_runs_source ON ingest_runs(source, status);

                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY,
                    run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
                    source TEXT NOT NULL,
                    source_hash TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    raw TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    UNIQUE (source, source_hash, line)
                );

                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    at DATETIME NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    details TEXT NOT NULL DEFAULT ''
                );
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

                CREATE VIRTUAL TABLE chunks_fts USING fts5(
                    heading, text, content='chunks', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');
                CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
                    INSERT INTO chunks_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text);
                END;
                CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, heading, text)
                        VALUES ('delete', old.id, old.heading, old.text);
                END;
                CREATE TRIGGER chunks_au AFTER UPDATE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, heading, text)
                        VALUES ('delete', old.id, old.heading, old.text);
                    INSERT INTO chunks_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text);
                END;

                CREATE VIRTUAL TABLE tickets_fts USING fts5(
                    subject, body, resolution, content='tickets', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');
                CREATE TRIGGER tickets_ai AFTER INSERT ON tickets BEGIN
                    INSERT INTO tickets_fts(rowid, subject, body, resolution)
                        VALUES (new.id, new.subject, new.body, new.resolution);
                END;
                CREATE TRIGGER tickets_ad AFTER DELETE ON tickets BEGIN
                    INSERT INTO tickets_fts(tickets_fts, rowid, subject, body, resolution)
                        VALUES ('delete', old.id, old.subject, old.body, old.resolution);
                END;
                CREATE TRIGGER tickets_au AFTER UPDATE ON tickets BEGIN
                    INSERT INTO tickets_fts(tickets_fts, rowid, subject, body, resolution)
                        VALUES ('delete', old.id, old.subject, old.body, old.resolution);
                    INSERT INTO tickets_fts(rowid, subject, body, resolution)
                        VALUES (new.id, new.subject, new.body, new.resolution);
                END;
                """)
        }
        migrator.registerMigration("v2-embeddings") { db in
            try db.execute(sql: """
                CREATE TABLE chunk_embeddings (
                    chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    vector BLOB NOT NULL
                );
                CREATE INDEX chunk_embeddings_model ON chunk_embeddings(model);
                CREATE TABLE ticket_embeddings (
                    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    vector BLOB NOT NULL
                );
                CREATE INDEX ticket_embeddings_model ON ticket_embeddings(model);
                -- An edited ticket needs a new vector.
                CREATE TRIGGER ticket_embeddings_stale AFTER UPDATE OF subject, body ON tickets BEGIN
                    DELETE FROM ticket_embeddings WHERE ticket_id = new.id;
                END;
                """)
        }
        migrator.registerMigration("v3-predictions") { db in
            try db.execute(sql: """
                CREATE TABLE predictions (
                    id INTEGER PRIMARY KEY,
                    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                    model_version TEXT NOT NULL,
                    category TEXT,
                    queue TEXT,
                    suggested_category TEXT NOT NULL,
                    confidence REAL NOT NULL,
                    abstained INTEGER NOT NULL,
                    priority TEXT,
                    details TEXT NOT NULL DEFAULT '{}',
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX predictions_ticket ON predictions(ticket_id, created_at);
                CREATE INDEX predictions_model ON predictions(model_version);
                """)
        }
        migrator.registerMigration("v4-drafts") { db in
            try db.execute(sql: """
                CREATE TABLE drafts (
                    id TEXT PRIMARY KEY,
                    ticket_external_id TEXT,
                    kind TEXT NOT NULL CHECK (kind IN ('llm', 'extractive')),
                    model TEXT,
                    prompt_version TEXT NOT NULL,
                    text TEXT NOT NULL,
                    grounded INTEGER NOT NULL,
                    fallback_reason TEXT,
                    details TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE INDEX drafts_ticket ON drafts(ticket_external_id, created_at);
                """)
        }
        migrator.registerMigration("v5-model-lifecycle") { db in
            try db.execute(sql: """
                CREATE TABLE training_runs (
                    id INTEGER PRIMARY KEY,
                    family TEXT NOT NULL,
                    model_version TEXT NOT NULL UNIQUE,
                    started_at DATETIME NOT NULL,
                    duration_seconds REAL NOT NULL,
                    code_version TEXT NOT NULL,
                    parameters TEXT NOT NULL,
                    training_data TEXT NOT NULL,
                    training_data_sha256 TEXT NOT NULL,
                    training_examples INTEGER NOT NULL,
                    evaluation_set TEXT,
                    evaluation_set_sha256 TEXT,
                    evaluation_examples INTEGER,
                    validation_metrics TEXT NOT NULL,
                    artifact_path TEXT NOT NULL,
                    artifact_sha256 TEXT NOT NULL,
                    actor TEXT NOT NULL
                );
                CREATE INDEX training_runs_family ON training_runs(family, id);

                CREATE TABLE model_versions (
                    version TEXT PRIMARY KEY,
                    family TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES training_runs(id),
                    registered_at DATETIME NOT NULL
                );

                -- Metrics of a version on an evaluation set, by the set's content hash.
                CREATE TABLE model_evaluations (
                    model_version TEXT NOT NULL REFERENCES model_versions(version),
                    evaluation_set_sha256 TEXT NOT NULL,
                    metrics TEXT NOT NULL,
                    evaluated_at DATETIME NOT NULL,
                    PRIMARY KEY (model_version, evaluation_set_sha256)
                );

                CREATE TABLE frozen_evaluation_sets (
                    family TEXT PRIMARY KEY,
                    path TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    examples INTEGER NOT NULL,
                    frozen_at DATETIME NOT NULL,
                    actor TEXT NOT NULL
                );

                CREATE TABLE model_aliases (
                    family TEXT NOT NULL,
                    alias TEXT NOT NULL,
                    version TEXT NOT NULL REFERENCES model_versions(version),
                    PRIMARY KEY (family, alias)
                );

                CREATE TABLE alias_history (
                    id INTEGER PRIMARY KEY,
                    family TEXT NOT NULL,
                    alias TEXT NOT NULL,
                    version TEXT,
                    previous_version TEXT,
                    action TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    at DATETIME NOT NULL
                );
                CREATE INDEX alias_history_family ON alias_history(family, alias, id);
                CREATE TRIGGER alias_history_no_update BEFORE UPDATE ON alias_history
                    BEGIN SELECT RAISE(ABORT, 'the alias history is append-only'); END;
                CREATE TRIGGER alias_history_no_delete BEFORE DELETE ON alias_history
                    BEGIN SELECT RAISE(ABORT, 'the alias history is append-only'); END;
                """)
        }
        migrator.registerMigration("v6-keys-feedback-corrections") { db in
            try db.execute(sql: """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('agent', 'lead', 'admin')),
                    secret_hash TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    revoked_at DATETIME
                );
                CREATE TABLE draft_feedback (
                    id INTEGER PRIMARY KEY,
                    draft_id TEXT NOT NULL REFERENCES drafts(id),
                    verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'edited', 'rejected')),
                    final_text TEXT,
                    reason TEXT,
                    edit_distance REAL,
                    actor TEXT NOT NULL,
                    at DATETIME NOT NULL
                );
                CREATE INDEX draft_feedback_draft ON draft_feedback(draft_id);
                CREATE TABLE route_corrections (
                    id INTEGER PRIMARY KEY,
                    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                    category TEXT,
                    priority TEXT,
                    predicted_category TEXT,
                    predicted_priority TEXT,
                    model_version TEXT,
                    actor TEXT NOT NULL,
                    at DATETIME NOT NULL
                );
                CREATE INDEX route_corrections_ticket ON route_corrections(ticket_id);
                """)
        }
        migrator.registerMigration("v7-shadow-predictions") { db in
            try db.execute(sql: """
                -- A challenger's decision beside the champion's on a live ticket (shadow evaluation).
                CREATE TABLE shadow_predictions (
                    id INTEGER PRIMARY KEY,
                    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                    champion_version TEXT NOT NULL,
                    challenger_version TEXT NOT NULL,
                    champion TEXT NOT NULL,
                    challenger TEXT NOT NULL,
                    at DATETIME NOT NULL,
                    UNIQUE (ticket_id, challenger_version)
                );
                CREATE INDEX shadow_predictions_challenger ON shadow_predictions(challenger_version, id);
                """)
        }
        migrator.registerMigration("v8-generations") { db in
            try db.execute(sql: """
                -- Counters bumped by every change to tickets or the knowledge base (rows or vectors), by any
                -- process: in-memory indexes compare them to know when to reload (one row read, not a scan).
                CREATE TABLE generations (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO generations VALUES ('tickets', 0), ('kb', 0);
                """)
            let tables = ["tickets": "tickets", "ticket_embeddings": "tickets",
                          "articles": "kb", "chunks": "kb", "chunk_embeddings": "kb"]
            for (table, generation) in tables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_generation_\(event.lowercased()) AFTER \(event) ON \(table) BEGIN
                            UPDATE generations SET value = value + 1 WHERE name = '\(generation)';
                        END
                        """)
                }
            }
        }
        migrator.registerMigration("v9-answer-library") { db in
            try db.execute(sql: """
                -- Saved answers: mined from near-duplicate resolutions, proposed from edited drafts, or written; only
                -- approved ones are drafted. `withheld`: JSON list of mined sentences left out of the body.
                CREATE TABLE answers (
                    id TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    category TEXT,
                    status TEXT NOT NULL CHECK (status IN ('candidate', 'approved', 'retired')),
                    origin TEXT NOT NULL CHECK (origin IN ('mined', 'edited_draft', 'manual')),
                    withheld TEXT NOT NULL DEFAULT '[]',
                    version INTEGER NOT NULL DEFAULT 1,
                    created_by TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL,
                    reviewed_by TEXT
                );
                CREATE INDEX answers_status ON answers(status);
                -- The requests an answer answers, with their embeddings: what a new ticket is matched against.
                CREATE TABLE answer_examples (
                    id INTEGER PRIMARY KEY,
                    answer_id TEXT NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
                    ticket_external_id TEXT,
                    text TEXT NOT NULL,
                    model TEXT NOT NULL,
                    vector BLOB NOT NULL
                );
                CREATE UNIQUE INDEX answer_examples_ticket ON answer_examples(answer_id, ticket_external_id)
                    WHERE ticket_external_id IS NOT NULL;
                CREATE INDEX answer_examples_by_ticket ON answer_examples(ticket_external_id);
                -- The latest mining run's calibration (one row).
                CREATE TABLE answer_calibration (id INTEGER PRIMARY KEY CHECK (id = 1), details TEXT NOT NULL);
                INSERT INTO generations VALUES ('answers', 0);

                -- Drafts name their path, and the answer they came from.
                CREATE TABLE drafts_v9 (
                    id TEXT PRIMARY KEY,
                    ticket_external_id TEXT,
                    kind TEXT NOT NULL CHECK (kind IN ('answer', 'composed', 'llm', 'extractive')),
                    answer_id TEXT,
                    model TEXT,
                    prompt_version TEXT NOT NULL,
                    text TEXT NOT NULL,
                    grounded INTEGER NOT NULL,
                    fallback_reason TEXT,
                    details TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                );
                INSERT INTO drafts_v9 (id, ticket_external_id, kind, model, prompt_version, text, grounded, fallback_reason,
                                       details, created_at)
                    SELECT id, ticket_external_id, kind, model, prompt_version, text, grounded, fallback_reason, details,
                           created_at FROM drafts;
                DROP TABLE drafts;
                ALTER TABLE drafts_v9 RENAME TO drafts;
                CREATE INDEX drafts_ticket ON drafts(ticket_external_id, created_at);
                CREATE INDEX drafts_answer ON drafts(answer_id) WHERE answer_id IS NOT NULL;
                """)
            for table in ["answers", "answer_examples"] {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_generation_\(event.lowercased()) AFTER \(event) ON \(table) BEGIN
                            UPDATE generations SET value = value + 1 WHERE name = 'answers';
                        END
                        """)
                }
            }
        }
        migrator.registerMigration("v10-quarantine-by-record") { db in
            // Quarantine entries are keyed by record, not by line: two bad records on one line are two entries.
            try db.execute(sql: """
                CREATE TABLE quarantine_v10 (
                    id INTEGER PRIMARY KEY,
                    run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
                    source TEXT NOT NULL,
                    source_hash TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    record INTEGER NOT NULL DEFAULT 0,
                    reason TEXT NOT NULL,
                    raw TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    UNIQUE (source, source_hash, line, record)
                );
                INSERT INTO quarantine_v10 (id, run_id, source, source_hash, line, reason, raw, created_at)
                    SELECT id, run_id, source, source_hash, line, reason, raw, created_at FROM quarantine;
                DROP TABLE quarantine;
                ALTER TABLE quarantine_v10 RENAME TO quarantine;
                """)
        }
        migrator.registerMigration("v11-ui-sessions-metrics-role") { db in
            // Web UI sessions are random ids kept server-side (the cookie no longer holds the key), and keys may
            // have the metrics role (a scraper reads /metrics, nothing else).
            try db.execute(sql: """
                CREATE TABLE api_keys_v11 (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('metrics', 'agent', 'lead', 'admin')),
                    secret_hash TEXT NOT NULL UNIQUE,
                    created_at DATETIME NOT NULL,
                    revoked_at DATETIME
                );
                INSERT INTO api_keys_v11 SELECT id, name, role, secret_hash, created_at, revoked_at FROM api_keys;
                DROP TABLE api_keys;
                ALTER TABLE api_keys_v11 RENAME TO api_keys;
                CREATE TABLE ui_sessions (
                    id_hash TEXT PRIMARY KEY,
                    key_id TEXT NOT NULL REFERENCES api_keys(id),
                    csrf_token TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL
                );
                CREATE INDEX ui_sessions_expiry ON ui_sessions(expires_at);
                """)
        }
        migrator.registerMigration("v12-search-settings") { db in
            try db.execute(sql: """
                -- The keyword/dense blend chosen for each state of the knowledge base (SearchTuner), by its digest.
                CREATE TABLE search_settings (kb_hash TEXT PRIMARY KEY, chosen_at DATETIME NOT NULL, details TEXT NOT NULL);
                CREATE INDEX search_settings_chosen_at ON search_settings(chosen_at);
                """)
        }
        migrator.registerMigration("v13-vectors-by-item-and-model") { db in
            // Vectors keyed by item and model (`EmbedderIdentity.key`): two encoders' vectors live side by side.
            // Rows from before identities carry the literal "all-MiniLM-L6-v2" and take the packaged model's key.
            let legacy = EmbedderIdentity.packagedMiniLM
            let (old, new) = (legacy.id, legacy.key)
            for table in ["chunk_embeddings", "ticket_embeddings"] {
                for event in ["insert", "update", "delete"] { try db.execute(sql: "DROP TRIGGER \(table)_generation_\(event)") }
            }
            try db.execute(sql: """
                DROP TRIGGER ticket_embeddings_stale;
                CREATE TABLE chunk_embeddings_v13 (
                    chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (chunk_id, model)
                );
                INSERT INTO chunk_embeddings_v13 (chunk_id, model, vector)
                    SELECT chunk_id, CASE WHEN model = ? THEN ? ELSE model END, vector FROM chunk_embeddings;
                DROP TABLE chunk_embeddings;
                ALTER TABLE chunk_embeddings_v13 RENAME TO chunk_embeddings;
                CREATE INDEX chunk_embeddings_model ON chunk_embeddings(model);
                CREATE TABLE ticket_embeddings_v13 (
                    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (ticket_id, model)
                );
                INSERT INTO ticket_embeddings_v13 (ticket_id, model, vector)
                    SELECT ticket_id, CASE WHEN model = ? THEN ? ELSE model END, vector FROM ticket_embeddings;
                DROP TABLE ticket_embeddings;
                ALTER TABLE ticket_embeddings_v13 RENAME TO ticket_embeddings;
                CREATE INDEX ticket_embeddings_model ON ticket_embeddings(model);
                -- An edited ticket needs new vectors (of every model).
                CREATE TRIGGER ticket_embeddings_stale AFTER UPDATE OF subject, body ON tickets BEGIN
                    DELETE FROM ticket_embeddings WHERE ticket_id = new.id;
                END;
                -- An answer's example of a ticket: one per model.
                UPDATE answer_examples SET model = ? WHERE model = ?;
                DROP INDEX answer_examples_ticket;
                CREATE UNIQUE INDEX answer_examples_ticket ON answer_examples(answer_id, ticket_external_id, model)
                    WHERE ticket_external_id IS NOT NULL;
                """, arguments: [old, new, old, new, new, old])
            for (table, generation) in ["chunk_embeddings": "kb", "ticket_embeddings": "tickets"] {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_generation_\(event.lowercased()) AFTER \(event) ON \(table) BEGIN
                            UPDATE generations SET value = value + 1 WHERE name = '\(generation)';
                        END
                        """)
                }
            }
        }
        migrator.registerMigration("v14-change-feed") { db in
            // The change feed replaces the generation counters: one row per changed item, moved to a new sequence
            // number by every change to it, so a reader that follows the feed applies what changed, not everything.
            let counted = ["tickets", "ticket_embeddings", "articles", "chunks", "chunk_embeddings", "answers",
                           "answer_examples"]
            for table in counted {
                for event in ["insert", "update", "delete"] {
                    try db.execute(sql: "DROP TRIGGER \(table)_generation_\(event)")
                }
            }
            try db.execute(sql: """
                DROP TABLE generations;
                CREATE TABLE changes (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('ticket', 'chunk', 'answer')),
                    item_id INTEGER NOT NULL,
                    UNIQUE (kind, item_id)
                );
                CREATE INDEX changes_by_kind ON changes(kind, sequence);
                -- Only a changed text makes a ticket's vectors stale (a status change or a resolution keeps them).
                DROP TRIGGER ticket_embeddings_stale;
                CREATE TRIGGER ticket_embeddings_stale AFTER UPDATE OF subject, body ON tickets
                WHEN old.subject IS NOT new.subject OR old.body IS NOT new.body BEGIN
                    DELETE FROM ticket_embeddings WHERE ticket_id = new.id;
                END;
                """)
            // (table, kind, the changed items' ids as a SELECT over the row `R`). Delete-then-insert rather than
            // INSERT OR REPLACE: a trigger's conflict clause gives way to the outer statement's.
            let feeds: [(String, String, String)] = [
                ("tickets", "ticket", "SELECT R.id"),
                ("ticket_embeddings", "ticket", "SELECT R.ticket_id"),
                ("chunks", "chunk", "SELECT R.id"),
                ("chunk_embeddings", "chunk", "SELECT R.chunk_id"),
                ("articles", "chunk", "SELECT id FROM chunks WHERE article_id = R.id"),
                ("answers", "answer", "SELECT R.rowid"),
                ("answer_examples", "answer", "SELECT rowid FROM answers WHERE id = R.answer_id"),
            ]
            for (table, kind, items) in feeds {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    let select = items.replacingOccurrences(of: "R.", with: event == "DELETE" ? "OLD." : "NEW.")
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_changes_\(event.lowercased()) AFTER \(event) ON \(table) BEGIN
                            DELETE FROM changes WHERE kind = '\(kind)' AND item_id IN (\(select));
                            INSERT INTO changes (kind, item_id) \(select.replacingOccurrences(of: "SELECT ", with: "SELECT '\(kind)', "));
                        END
                        """)
                }
            }
        }
        migrator.registerMigration("v15-shared-files") { db in
            // Files every process of an install reads (router artefacts, the latest monitor report), by their path
            // in the home: a replica with an empty home loads them from here.
            try db.execute(sql: """
                CREATE TABLE shared_files (
                    path TEXT PRIMARY KEY,
                    text TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    saved_at DATETIME NOT NULL
                )
                """)
        }
        return migrator
    }
}
