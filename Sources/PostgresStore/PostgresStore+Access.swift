import Domain
import Foundation
import PostgresNIO
import Store

/// API keys (their secrets' hashes only) and web UI sessions, every change audited in its own transaction.
extension PostgresStore: AccessStore {
    public func createAPIKey(_ key: APIKey, secretHash: String, actor: String) async throws {
        try refuseNUL([key.id, key.name, secretHash], in: "API key")
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO api_keys (id, name, role, secret_hash, created_at)
                VALUES (\(key.id), \(key.name), \(key.role.rawValue), \(secretHash), \(key.createdAt))
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(actor: actor, action: "key.create", target: key.id,
                                                  details: "name \(key.name), role \(key.role.rawValue)"),
                                       connection, logger: logger)
        }
    }

    public func apiKey(secretHash: String) async throws -> APIKey? {
        try await keys("""
            SELECT id, name, role, created_at, revoked_at FROM api_keys WHERE secret_hash = \(secretHash) AND revoked_at IS NULL
            """).first
    }

    public func apiKeys() async throws -> [APIKey] {
        try await keys("SELECT id, name, role, created_at, revoked_at FROM api_keys ORDER BY created_at, id")
    }

    public func revokeAPIKey(id: String, actor: String) async throws -> Bool {
        try await transaction { connection in
            let revoked = try await connection.rows(
                "UPDATE api_keys SET revoked_at = \(Date()) WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
                logger: logger)
            guard !revoked.isEmpty else { return false }
            try await Self.insertAudit(AuditEvent(actor: actor, action: "key.revoke", target: id), connection, logger: logger)
            return true
        }
    }

    public func createSession(_ session: UISession, idHash: String) async throws {
        try refuseNUL([session.keyID, session.csrfToken, idHash], in: "session")
        try await transaction { connection in
            try await connection.query("DELETE FROM ui_sessions WHERE expires_at <= \(session.createdAt)", logger: logger)
            try await connection.query("""
                INSERT INTO ui_sessions (id_hash, key_id, csrf_token, created_at, expires_at)
                VALUES (\(idHash), \(session.keyID), \(session.csrfToken), \(session.createdAt), \(session.expiresAt))
                """, logger: logger)
            try await Self.insertAudit(AuditEvent(actor: "key:\(session.keyID)", action: "session.start",
                                                  target: String(idHash.prefix(12))), connection, logger: logger)
        }
    }

    public func session(idHash: String, now: Date) async throws -> (session: UISession, key: APIKey)? {
        try await client.withConnection { connection in
            try await connection.rows("""
                SELECT k.id, k.name, k.role, k.created_at, k.revoked_at, s.csrf_token, s.created_at, s.expires_at
                FROM ui_sessions s JOIN api_keys k ON k.id = s.key_id
                WHERE s.id_hash = \(idHash) AND s.expires_at > \(now) AND k.revoked_at IS NULL
                """, logger: logger).first.map { row in
                let key = try Self.key(row)
                let (_, _, _, _, _, csrf, created, expires) = try row.decode(
                    (String, String, String, Date, Date?, String, Date, Date).self)
                return (UISession(keyID: key.id, csrfToken: csrf, createdAt: created, expiresAt: expires), key)
            }
        }
    }

    public func endSession(idHash: String) async throws -> Bool {
        try await transaction { connection in
            let ended = try await connection.rows(
                "DELETE FROM ui_sessions WHERE id_hash = \(idHash) RETURNING key_id", logger: logger)
            guard let keyID = try ended.first?.decode(String.self) else { return false }
            try await Self.insertAudit(AuditEvent(actor: "key:\(keyID)", action: "session.end",
                                                  target: String(idHash.prefix(12))), connection, logger: logger)
            return true
        }
    }

    private func keys(_ query: PostgresQuery) async throws -> [APIKey] {
        try await client.withConnection { connection in
            try await connection.rows(query, logger: logger).map(Self.key)
        }
    }

    /// A key from the first five columns: id, name, role, created_at, revoked_at.
    static func key(_ row: PostgresRow) throws -> APIKey {
        let columns = row.makeRandomAccess()
        return APIKey(id: try columns[0].decode(String.self), name: try columns[1].decode(String.self),
                      role: Role(rawValue: try columns[2].decode(String.self)) ?? .agent,
                      createdAt: try columns[3].decode(Date.self), revokedAt: try columns[4].decode(Date?.self))
    }
}
