import Foundation

/// API keys (their secrets' hashes only) and web UI sessions; every change is audited.
public protocol AccessStore: Sendable {
    /// Stores a key (its secret's hash only) and audits it.
    func createAPIKey(_ key: APIKey, secretHash: String, actor: String) async throws
    /// The live (not revoked) key whose secret has this hash.
    func apiKey(secretHash: String) async throws -> APIKey?
    func apiKeys() async throws -> [APIKey]
    /// Revokes a key; true when it existed and was live. Audited.
    func revokeAPIKey(id: String, actor: String) async throws -> Bool

    /// Stores a new web UI session under the hash of its id (expired sessions are dropped) and audits the sign-in.
    func createSession(_ session: UISession, idHash: String) async throws
    /// The session with this id hash and its key, when the session has not expired by `now` and the key is live.
    func session(idHash: String, now: Date) async throws -> (session: UISession, key: APIKey)?
    /// Ends a session (sign-out); true when it existed. Audited.
    func endSession(idHash: String) async throws -> Bool
}
