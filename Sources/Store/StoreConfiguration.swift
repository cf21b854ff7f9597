import Foundation

/// Every store interface, as one backend implements them all.
public typealias StoreBackend = IngestStore & TicketStore & KnowledgeBaseStore & EmbeddingStore & ChangeFeed
    & PredictionStore & DraftStore & AccessStore & AuditStore & StatusStore & ModelLifecycleStore & AnswerStore

/// Which store an instance uses, from a URL: `sqlite:PATH` (the embedded default, `<home>/store.sqlite`; a
/// relative path is inside the instance home) or `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (PostgreSQL with
/// pgvector; `postgresql://` too). Opening one is `withStore` in Application, which also runs PostgreSQL's pool.
public struct StoreConfiguration: Sendable, Equatable, CustomStringConvertible {
    public enum Backend: Sendable, Equatable {
        case sqlite(path: String)
        /// The URL as given (its password included: never print it, print `description`).
        case postgres(url: String)
    }

    public let backend: Backend

    /// The schemes `init(url:home:)` accepts.
    public static let schemes = ["sqlite", "postgres", "postgresql"]
    /// The accepted forms, for error messages.
    static let forms = "sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"

    /// The embedded store of an instance home.
    public static func embedded(home: URL) -> StoreConfiguration {
        StoreConfiguration(backend: .sqlite(path: home.appendingPathComponent("store.sqlite").path))
    }

    public init(backend: Backend) {
        self.backend = backend
    }

    /// Parses a store URL; an unknown scheme or an empty path is an error that names the accepted forms.
    public init(url: String, home: URL) throws {
        guard let colon = url.firstIndex(of: ":") else {
            throw StoreError("store URL '\(url)' has no scheme: use \(Self.forms)", code: .invalid)
        }
        let scheme = url[..<colon].lowercased(), rest = String(url[url.index(after: colon)...])
        switch scheme {
        case "sqlite":
            let path = rest.hasPrefix("//") ? String(rest.dropFirst(2)) : rest
            guard !path.isEmpty else { throw StoreError("store URL '\(url)' has no path: use sqlite:PATH", code: .invalid) }
            backend = .sqlite(path: path.hasPrefix("/") ? path : home.appendingPathComponent(path).path)
        case "postgres", "postgresql":
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
                  components.user?.isEmpty == false else {
                throw StoreError("store URL '\(Self.redacted(url))' needs a user and a host: use \(Self.forms)", code: .invalid)
            }
            backend = .postgres(url: url)
        default:
            throw StoreError("store URL scheme '\(scheme)' is not one of: \(Self.schemes.joined(separator: ", ")) (\(Self.forms))",
                             code: .invalid)
        }
    }

    /// The URL with any password replaced by `***`: safe for logs, reports and errors.
    public var description: String {
        switch backend {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// `url` with its password (if any) shown as `***`.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    /// Opens the embedded SQLite store (creating it and applying migrations if needed). PostgreSQL's store needs its
    /// connection pool running while it is used: open any store with `withStore` (Application).
    public func openSQLite() throws -> SQLiteStore {
        guard case .sqlite(let path) = backend else {
            throw StoreError("\(description) is not an SQLite store", code: .invalid)
        }
        return try SQLiteStore(path: path)
    }
}
