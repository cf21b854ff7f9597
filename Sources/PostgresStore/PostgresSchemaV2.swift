/// Migration v2: nearest-neighbour indexes per model, keyword search by BM25 over postings, and a change feed
/// numbered in commit order.
extension PostgresSchema {
    static let version2: [String] = [
        // One partial HNSW index per kind and model, on `(vector::vector(N)) vector_cosine_ops WHERE model = …`,
        // made with the model's first vectors (its width is known only then). The model key is data: the index
        // name is derived from its MD5 and the literal in the predicate is quoted by the server (format %L).
        """
        CREATE TABLE embedding_indexes (
            kind text NOT NULL CHECK (kind IN ('ticket', 'chunk')),
            model text NOT NULL,
            dimension integer NOT NULL CHECK (dimension > 0),
            index_name text UNIQUE,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (kind, model)
        )
        """,
        // Returns the width of the model's vectors: the recorded one, or `dimension` when these are its first
        // (its index is then created, unless the width is beyond HNSW's 2,000, where search scans exactly).
        """
        CREATE FUNCTION ensure_embedding_index(item_kind text, model_key text, dimension integer) RETURNS integer
        LANGUAGE plpgsql AS $$
        DECLARE
            target text := CASE item_kind WHEN 'ticket' THEN 'ticket_embeddings' WHEN 'chunk' THEN 'chunk_embeddings' END;
            recorded integer;
            name text;
        BEGIN
            IF target IS NULL THEN RAISE EXCEPTION 'unknown kind of embedded item: %', item_kind; END IF;
            SELECT e.dimension INTO recorded FROM embedding_indexes e WHERE e.kind = item_kind AND e.model = model_key;
            IF FOUND THEN RETURN recorded; END IF;
            -- The first vectors of this model: one creator at a time (per model), then look again.
            PERFORM pg_advisory_xact_lock(hashtextextended('localtriage.embedding-index:' || item_kind || ':' || model_key, 0));
            SELECT e.dimension INTO recorded FROM embedding_indexes e WHERE e.kind = item_kind AND e.model = model_key;
            IF FOUND THEN RETURN recorded; END IF;
            IF dimension > 2000 THEN
                name := NULL;  -- HNSW indexes vectors of up to 2,000 dimensions; wider ones are searched exactly
            ELSE
                name := target || '_hnsw_' || left(md5(model_key), 16);
                -- Self-conflicting, so two models' first savers take turns instead of deadlocking on CREATE INDEX.
                EXECUTE format('LOCK TABLE %I IN SHARE ROW EXCLUSIVE MODE', target);
                EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I USING hnsw ((vector::vector(%s)) vector_cosine_ops) WHERE model = %L',
                               name, target, dimension, model_key);
            END IF;
            INSERT INTO embedding_indexes (kind, model, dimension, index_name) VALUES (item_kind, model_key, dimension, name);
            RETURN dimension;
        END
        $$
        """,
        // The latest saved settings win ties of `chosen_at` (SQLite orders by rowid).
        "ALTER TABLE search_settings ADD COLUMN row_id bigint GENERATED ALWAYS AS IDENTITY",
        // A ticket's drafts at equal times: the one saved last first (SQLite's rowid).
        "ALTER TABLE drafts ADD COLUMN row_id bigint GENERATED ALWAYS AS IDENTITY",
        // Keyword search: each ticket's and chunk's terms (the Search module's analyzer: folding, stop words,
        // Porter stems) with their field-weighted frequencies, the document's length in terms, and the corpus
        // totals BM25 needs, all written in the transaction that writes the item. A posting repeats its document's
        // length, and the primary key includes both, so scoring a term is one index-only range scan.
        """
        CREATE TABLE keyword_stats (
            kind text PRIMARY KEY CHECK (kind IN ('ticket', 'chunk')),
            documents bigint NOT NULL DEFAULT 0,
            total_length bigint NOT NULL DEFAULT 0
        )
        """,
        "INSERT INTO keyword_stats (kind) VALUES ('ticket'), ('chunk')",
        """
        CREATE TABLE ticket_keyword_documents (
            ticket_id bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
            length integer NOT NULL
        )
        """,
        """
        CREATE TABLE ticket_postings (
            term text NOT NULL,
            ticket_id bigint NOT NULL REFERENCES ticket_keyword_documents (ticket_id) ON DELETE CASCADE,
            frequency real NOT NULL,
            length integer NOT NULL,
            PRIMARY KEY (term, ticket_id) INCLUDE (frequency, length)
        )
        """,
        "CREATE INDEX ticket_postings_ticket ON ticket_postings (ticket_id)",
        """
        CREATE TABLE chunk_keyword_documents (
            chunk_id bigint PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
            length integer NOT NULL
        )
        """,
        """
        CREATE TABLE chunk_postings (
            term text NOT NULL,
            chunk_id bigint NOT NULL REFERENCES chunk_keyword_documents (chunk_id) ON DELETE CASCADE,
            frequency real NOT NULL,
            length integer NOT NULL,
            PRIMARY KEY (term, chunk_id) INCLUDE (frequency, length)
        )
        """,
        "CREATE INDEX chunk_postings_chunk ON chunk_postings (chunk_id)",
        // Corpus totals follow the documents tables (statement-level, also for cascaded deletes).
        """
        CREATE FUNCTION keyword_stats_follow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE keyword_stats SET documents = documents - (SELECT count(*) FROM old_rows),
                    total_length = total_length - (SELECT coalesce(sum(length), 0) FROM old_rows)
                WHERE kind = TG_ARGV[0];
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                UPDATE keyword_stats SET documents = documents + (SELECT count(*) FROM new_rows),
                    total_length = total_length + (SELECT coalesce(sum(length), 0) FROM new_rows)
                WHERE kind = TG_ARGV[0];
            END IF;
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER ticket_keyword_inserted AFTER INSERT ON ticket_keyword_documents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION keyword_stats_follow('ticket')",
        "CREATE TRIGGER ticket_keyword_updated AFTER UPDATE ON ticket_keyword_documents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION keyword_stats_follow('ticket')",
        "CREATE TRIGGER ticket_keyword_deleted AFTER DELETE ON ticket_keyword_documents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION keyword_stats_follow('ticket')",
        "CREATE TRIGGER chunk_keyword_inserted AFTER INSERT ON chunk_keyword_documents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION keyword_stats_follow('chunk')",
        "CREATE TRIGGER chunk_keyword_updated AFTER UPDATE ON chunk_keyword_documents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION keyword_stats_follow('chunk')",
        "CREATE TRIGGER chunk_keyword_deleted AFTER DELETE ON chunk_keyword_documents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION keyword_stats_follow('chunk')",
        // The change feed in commit order. Identity numbers are handed out when a row is written, before its
        // transaction commits, so a follower could pass a number whose transaction commits later. Rows are now
        // written unnumbered (`written` keeps their order within the transaction) and numbered at commit by a
        // deferred trigger that takes the counter row's lock: transactions get their numbers in the order they
        // commit, and a number is visible only once every lower one is.
        "ALTER TABLE changes DROP CONSTRAINT changes_pkey",
        "ALTER TABLE changes ALTER COLUMN sequence DROP IDENTITY",
        "ALTER TABLE changes ALTER COLUMN sequence DROP NOT NULL",
        "ALTER TABLE changes ADD COLUMN written bigint GENERATED ALWAYS AS IDENTITY",
        "CREATE UNIQUE INDEX changes_sequence ON changes (sequence)",
        "CREATE INDEX changes_unnumbered ON changes (written) WHERE sequence IS NULL",
        "CREATE TABLE change_counter (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)",
        "INSERT INTO change_counter (id, value) SELECT 1, coalesce(max(sequence), 0) FROM changes",
        // An item's feed row is upserted rather than deleted and inserted again: two transactions changing one item
        // (two models' vectors of a ticket, say) would otherwise both delete the old row and collide inserting.
        // The row comes unnumbered (the column lost its identity) and moves to the end of `written`.
        """
        CREATE OR REPLACE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
            INSERT INTO changes (kind, item_id) SELECT DISTINCT TG_ARGV[0], unnest(items)
            ON CONFLICT (kind, item_id) DO UPDATE SET sequence = NULL, written = DEFAULT;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE FUNCTION number_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            pending bigint;
            base bigint;
        BEGIN
            -- Only this transaction's rows are unnumbered and visible here; the first call numbers them all.
            SELECT count(*) INTO pending FROM changes WHERE sequence IS NULL;
            IF pending = 0 THEN RETURN NULL; END IF;
            UPDATE change_counter SET value = value + pending WHERE id = 1 RETURNING value - pending INTO base;
            UPDATE changes c SET sequence = base + p.n
            FROM (SELECT kind, item_id, row_number() OVER (ORDER BY written) AS n FROM changes WHERE sequence IS NULL) p
            WHERE c.kind = p.kind AND c.item_id = p.item_id;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE CONSTRAINT TRIGGER changes_numbered_at_commit AFTER INSERT OR UPDATE ON changes
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.sequence IS NULL) EXECUTE FUNCTION number_changes()
        """,
        // Vectors stored under v1 get their model's index now (the query is read whole first: CREATE INDEX refuses a
        // table an open scan of this session still uses). Their keyword postings are written by `migrate()`.
        """
        DO $$
        DECLARE
            kinds text[];
            models text[];
            dimensions integer[];
        BEGIN
            SELECT array_agg(kind), array_agg(model), array_agg(dimension) INTO kinds, models, dimensions FROM (
                SELECT 'ticket' AS kind, model, min(vector_dims(vector)) AS dimension FROM ticket_embeddings GROUP BY model
                UNION ALL
                SELECT 'chunk', model, min(vector_dims(vector)) FROM chunk_embeddings GROUP BY model) existing;
            FOR i IN 1 .. coalesce(array_length(models, 1), 0) LOOP
                PERFORM ensure_embedding_index(kinds[i], models[i], dimensions[i]);
            END LOOP;
        END
        $$
        """,
    ]
}
