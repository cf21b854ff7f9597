import PostgresNIO

/// One versioned change of the PostgreSQL schema: its statements run in one transaction. Add a new migration for
/// every change; never edit one that has shipped.
struct PostgresMigration: Sendable {
    let version: Int
    let name: String
    let statements: [String]
}

/// The migrations of the PostgreSQL store, oldest first.
enum PostgresSchema {
    /// The key of the transaction-level advisory lock every migrator takes before it reads `schema_migrations`.
    static let migrationLockKey: Int64 = 0x4C54_4D49_4752  // "LTMIGR"

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "schema-as-sqlite-v14", statements: version1),
        PostgresMigration(version: 2, name: "hnsw-per-model-bm25-postings-commit-ordered-feed", statements: version2),
        PostgresMigration(version: 3, name: "store-copies", statements: version3),
        PostgresMigration(version: 4, name: "shared-files", statements: version4),
    ]

    /// v3: the copies of embedded stores made into this database (`localtriage store copy`), so that an interrupted
    /// one is resumed and a database holding other data is not copied into.
    static let version3: [String] = [
        """
        CREATE TABLE store_copies (
            source text PRIMARY KEY,
            started_at timestamptz NOT NULL DEFAULT now(),
            finished_at timestamptz
        )
        """,
    ]

    /// v4 (SQLite's v15): files every process of an install reads (router artefacts, the latest monitor report), by
    /// their path in the home, so a replica with an empty home loads them from the database.
    static let version4: [String] = [
        """
        CREATE TABLE shared_files (
            path text PRIMARY KEY,
            text text NOT NULL,
            sha256 text NOT NULL,
            saved_at timestamptz NOT NULL
        )
        """,
    ]

    /// The schema the SQLite store holds after its migration v14, in PostgreSQL's types: timestamps are
    /// `timestamptz`, JSON is kept as the exact text the store wrote, vectors are pgvector's `vector`.
    private static let version1: [String] = [
        "CREATE EXTENSION IF NOT EXISTS vector",
        """
        CREATE TABLE tickets (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            external_id text NOT NULL UNIQUE,
            subject text,
            body text NOT NULL,
            customer text,
            channel text,
            language text,
            category text,
            priority text CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
            status text,
            created_at timestamptz,
            resolved_at timestamptz,
            resolution text,
            extra text NOT NULL DEFAULT '{}',
            content_hash text NOT NULL,
            ingested_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX tickets_category ON tickets (category)",
        "CREATE INDEX tickets_created_at ON tickets (created_at)",
        """
        CREATE TABLE articles (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            external_id text NOT NULL UNIQUE,
            title text NOT NULL,
            body text NOT NULL,
            category text,
            tags text NOT NULL DEFAULT '[]',
            version integer NOT NULL DEFAULT 1,
            updated_at timestamptz,
            source text,
            content_hash text NOT NULL,
            ingested_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE chunks (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            ordinal integer NOT NULL,
            heading text NOT NULL,
            text text NOT NULL,
            start_offset integer NOT NULL,
            end_offset integer NOT NULL,
            UNIQUE (article_id, ordinal)
        )
        """,
        """
        CREATE TABLE ingest_runs (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text NOT NULL,
            source text NOT NULL,
            source_hash text NOT NULL,
            status text NOT NULL,
            position bigint NOT NULL DEFAULT 0,
            resumed_from bigint NOT NULL DEFAULT 0,
            read bigint NOT NULL DEFAULT 0,
            stored bigint NOT NULL DEFAULT 0,
            updated bigint NOT NULL DEFAULT 0,
            unchanged bigint NOT NULL DEFAULT 0,
            quarantined bigint NOT NULL DEFAULT 0,
            started_at timestamptz NOT NULL,
            finished_at timestamptz
        )
        """,
        "CREATE INDEX ingest_runs_source ON ingest_runs (source, status)",
        """
        CREATE TABLE quarantine (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id bigint NOT NULL REFERENCES ingest_runs (id),
            source text NOT NULL,
            source_hash text NOT NULL,
            line bigint NOT NULL,
            record bigint NOT NULL DEFAULT 0,
            reason text NOT NULL,
            raw text NOT NULL,
            created_at timestamptz NOT NULL,
            UNIQUE (source, source_hash, line, record)
        )
        """,
        // Append-only tables refuse UPDATE, DELETE and TRUNCATE in the database itself.
        """
        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        """
        CREATE TABLE audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            actor text NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            details text NOT NULL DEFAULT ''
        )
        """,
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_change()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()",
        // Vectors keyed by item and model. The column has no fixed width (models differ); nearest-neighbour
        // search uses one partial HNSW index per model, on `(vector::vector(N)) vector_cosine_ops WHERE model = …`,
        // created with the model's first vectors (its width is known only then).
        """
        CREATE TABLE chunk_embeddings (
            chunk_id bigint NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
            model text NOT NULL,
            vector vector NOT NULL,
            PRIMARY KEY (chunk_id, model)
        )
        """,
        "CREATE INDEX chunk_embeddings_model ON chunk_embeddings (model)",
        """
        CREATE TABLE ticket_embeddings (
            ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            model text NOT NULL,
            vector vector NOT NULL,
            PRIMARY KEY (ticket_id, model)
        )
        """,
        "CREATE INDEX ticket_embeddings_model ON ticket_embeddings (model)",
        // Only a changed text makes a ticket's vectors stale (a status change or a resolution keeps them).
        """
        CREATE FUNCTION ticket_embeddings_stale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM ticket_embeddings WHERE ticket_id = NEW.id;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER ticket_embeddings_stale AFTER UPDATE OF subject, body ON tickets FOR EACH ROW
        WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.body IS DISTINCT FROM NEW.body)
        EXECUTE FUNCTION ticket_embeddings_stale()
        """,
        """
        CREATE TABLE predictions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            model_version text NOT NULL,
            category text,
            queue text,
            suggested_category text NOT NULL,
            confidence double precision NOT NULL,
            abstained boolean NOT NULL,
            priority text,
            details text NOT NULL DEFAULT '{}',
            created_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX predictions_ticket ON predictions (ticket_id, created_at)",
        "CREATE INDEX predictions_model ON predictions (model_version)",
        """
        CREATE TABLE drafts (
            id text PRIMARY KEY,
            ticket_external_id text,
            kind text NOT NULL CHECK (kind IN ('answer', 'composed', 'llm', 'extractive')),
            answer_id text,
            model text,
            prompt_version text NOT NULL,
            text text NOT NULL,
            grounded boolean NOT NULL,
            fallback_reason text,
            details text NOT NULL,
            created_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX drafts_ticket ON drafts (ticket_external_id, created_at)",
        "CREATE INDEX drafts_answer ON drafts (answer_id) WHERE answer_id IS NOT NULL",
        """
        CREATE TABLE training_runs (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            family text NOT NULL,
            model_version text NOT NULL UNIQUE,
            started_at timestamptz NOT NULL,
            duration_seconds double precision NOT NULL,
            code_version text NOT NULL,
            parameters text NOT NULL,
            training_data text NOT NULL,
            training_data_sha256 text NOT NULL,
            training_examples bigint NOT NULL,
            evaluation_set text,
            evaluation_set_sha256 text,
            evaluation_examples bigint,
            validation_metrics text NOT NULL,
            artifact_path text NOT NULL,
            artifact_sha256 text NOT NULL,
            actor text NOT NULL
        )
        """,
        "CREATE INDEX training_runs_family ON training_runs (family, id)",
        """
        CREATE TABLE model_versions (
            version text PRIMARY KEY,
            family text NOT NULL,
            run_id bigint NOT NULL REFERENCES training_runs (id),
            registered_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE model_evaluations (
            model_version text NOT NULL REFERENCES model_versions (version),
            evaluation_set_sha256 text NOT NULL,
            metrics text NOT NULL,
            evaluated_at timestamptz NOT NULL,
            PRIMARY KEY (model_version, evaluation_set_sha256)
        )
        """,
        """
        CREATE TABLE frozen_evaluation_sets (
            family text PRIMARY KEY,
            path text NOT NULL,
            sha256 text NOT NULL,
            examples bigint NOT NULL,
            frozen_at timestamptz NOT NULL,
            actor text NOT NULL
        )
        """,
        """
        CREATE TABLE model_aliases (
            family text NOT NULL,
            alias text NOT NULL,
            version text NOT NULL REFERENCES model_versions (version),
            PRIMARY KEY (family, alias)
        )
        """,
        """
        CREATE TABLE alias_history (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            family text NOT NULL,
            alias text NOT NULL,
            version text,
            previous_version text,
            action text NOT NULL,
            actor text NOT NULL,
            reason text NOT NULL,
            at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX alias_history_family ON alias_history (family, alias, id)",
        "CREATE TRIGGER alias_history_append_only BEFORE UPDATE OR DELETE ON alias_history FOR EACH ROW EXECUTE FUNCTION refuse_change()",
        "CREATE TRIGGER alias_history_no_truncate BEFORE TRUNCATE ON alias_history FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()",
        """
        CREATE TABLE api_keys (
            id text PRIMARY KEY,
            name text NOT NULL,
            role text NOT NULL CHECK (role IN ('metrics', 'agent', 'lead', 'admin')),
            secret_hash text NOT NULL UNIQUE,
            created_at timestamptz NOT NULL,
            revoked_at timestamptz
        )
        """,
        """
        CREATE TABLE ui_sessions (
            id_hash text PRIMARY KEY,
            key_id text NOT NULL REFERENCES api_keys (id),
            csrf_token text NOT NULL,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX ui_sessions_expiry ON ui_sessions (expires_at)",
        """
        CREATE TABLE draft_feedback (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            draft_id text NOT NULL REFERENCES drafts (id),
            verdict text NOT NULL CHECK (verdict IN ('accepted', 'edited', 'rejected')),
            final_text text,
            reason text,
            edit_distance double precision,
            actor text NOT NULL,
            at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX draft_feedback_draft ON draft_feedback (draft_id)",
        """
        CREATE TABLE route_corrections (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            category text,
            priority text,
            predicted_category text,
            predicted_priority text,
            model_version text,
            actor text NOT NULL,
            at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX route_corrections_ticket ON route_corrections (ticket_id)",
        """
        CREATE TABLE shadow_predictions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
            champion_version text NOT NULL,
            challenger_version text NOT NULL,
            champion text NOT NULL,
            challenger text NOT NULL,
            at timestamptz NOT NULL,
            UNIQUE (ticket_id, challenger_version)
        )
        """,
        "CREATE INDEX shadow_predictions_challenger ON shadow_predictions (challenger_version, id)",
        // `row_id`: the answer's number in the change feed (SQLite's rowid).
        """
        CREATE TABLE answers (
            id text PRIMARY KEY,
            row_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            title text NOT NULL,
            body text NOT NULL,
            category text,
            status text NOT NULL CHECK (status IN ('candidate', 'approved', 'retired')),
            origin text NOT NULL CHECK (origin IN ('mined', 'edited_draft', 'manual')),
            withheld text NOT NULL DEFAULT '[]',
            version integer NOT NULL DEFAULT 1,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            reviewed_by text
        )
        """,
        "CREATE INDEX answers_status ON answers (status)",
        """
        CREATE TABLE answer_examples (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            answer_id text NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
            ticket_external_id text,
            text text NOT NULL,
            model text NOT NULL,
            vector vector NOT NULL
        )
        """,
        """
        CREATE UNIQUE INDEX answer_examples_ticket ON answer_examples (answer_id, ticket_external_id, model)
            WHERE ticket_external_id IS NOT NULL
        """,
        "CREATE INDEX answer_examples_by_ticket ON answer_examples (ticket_external_id)",
        "CREATE TABLE answer_calibration (id integer PRIMARY KEY CHECK (id = 1), details text NOT NULL)",
        """
        CREATE TABLE search_settings (
            kb_hash text PRIMARY KEY,
            chosen_at timestamptz NOT NULL,
            details text NOT NULL
        )
        """,
        "CREATE INDEX search_settings_chosen_at ON search_settings (chosen_at)",
        // The change feed: one row per changed item, moved to a new sequence number by every change to it.
        """
        CREATE TABLE changes (
            sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('ticket', 'chunk', 'answer')),
            item_id bigint NOT NULL,
            UNIQUE (kind, item_id)
        )
        """,
        "CREATE INDEX changes_by_kind ON changes (kind, sequence)",
        // TG_ARGV: the feed's kind, then how the changed items are found from the row ('self' its id, or the
        // column holding the item's id; 'article' for an article's chunks, 'answer' for an example's answer).
        """
        CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed record;
            items bigint[];
        BEGIN
            IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
            CASE TG_ARGV[1]
                WHEN 'self' THEN items := ARRAY[(to_jsonb(changed) ->> 'id')::bigint];
                WHEN 'answer_row' THEN items := ARRAY[(to_jsonb(changed) ->> 'row_id')::bigint];
                WHEN 'article' THEN items := ARRAY(SELECT id FROM chunks WHERE article_id = (to_jsonb(changed) ->> 'id')::bigint);
                WHEN 'answer' THEN items := ARRAY(SELECT row_id FROM answers WHERE id = to_jsonb(changed) ->> 'answer_id');
                ELSE items := ARRAY[(to_jsonb(changed) ->> TG_ARGV[1])::bigint];
            END CASE;
            DELETE FROM changes WHERE kind = TG_ARGV[0] AND item_id = ANY (items);
            INSERT INTO changes (kind, item_id) SELECT TG_ARGV[0], unnest(items);
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER tickets_changes AFTER INSERT OR UPDATE OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION record_change('ticket', 'self')",
        "CREATE TRIGGER ticket_embeddings_changes AFTER INSERT OR UPDATE OR DELETE ON ticket_embeddings FOR EACH ROW EXECUTE FUNCTION record_change('ticket', 'ticket_id')",
        "CREATE TRIGGER chunks_changes AFTER INSERT OR UPDATE OR DELETE ON chunks FOR EACH ROW EXECUTE FUNCTION record_change('chunk', 'self')",
        "CREATE TRIGGER chunk_embeddings_changes AFTER INSERT OR UPDATE OR DELETE ON chunk_embeddings FOR EACH ROW EXECUTE FUNCTION record_change('chunk', 'chunk_id')",
        "CREATE TRIGGER articles_changes AFTER INSERT OR UPDATE OR DELETE ON articles FOR EACH ROW EXECUTE FUNCTION record_change('chunk', 'article')",
        "CREATE TRIGGER answers_changes AFTER INSERT OR UPDATE OR DELETE ON answers FOR EACH ROW EXECUTE FUNCTION record_change('answer', 'answer_row')",
        "CREATE TRIGGER answer_examples_changes AFTER INSERT OR UPDATE OR DELETE ON answer_examples FOR EACH ROW EXECUTE FUNCTION record_change('answer', 'answer')",
    ]
}
