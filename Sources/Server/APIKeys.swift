import Domain
import Foundation
import Store

/// API keys: `lt_<id>_<secret>`. The id is public (listings, audit log); only the SHA-256 of the whole key is
/// stored, so a stolen database yields no usable key. Keys are 160-bit random, so a plain hash suffices.
public enum APIKeys {
    /// A new key for `name` with `role`, stored hashed; returns the key text, shown once.
    public static func create(name: String, role: Role, in store: any AccessStore, actor: String) async throws -> (key: APIKey, secret: String) {
        let id = randomToken(bytes: 4)
        let secret = "lt_\(id)_\(randomToken(bytes: 20))"
        let key = APIKey(id: id, name: name, role: role, createdAt: Date())
        try await store.createAPIKey(key, secretHash: hash(secret), actor: actor)
        return (key, secret)
    }

    /// The stored form of a key text.
    public static func hash(_ secret: String) -> String {
        ContentHash.sha256(secret)
    }

    static func randomToken(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
