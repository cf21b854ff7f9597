import Foundation

/// Every store interface, as one backend implements them all.
public typealias StoreBackend = IngestStore & TicketStore & KnowledgeBaseStore & EmbeddingStore & ChangeFeed
    & PredictionStore & DraftStore & AccessStore & AuditStore & StatusStore & ModelLifecycleStore & AnswerStore

/// Which store an instance uses, from a URL: `sqlite:PATH` (the embedded default, `<home>/store.sqlite`; a
/// relative path is inside the instance home).
public struct StoreConfiguration: Sendable, Equatable, CustomStringConvertible {
    public enum Backend: Sendable, Equatable {
        case sqlite(path: String)
    }

    public let backend: Backend

    /// The schemes `init(url:home:)` accepts.
    public static let schemes = ["sqlite"]

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
            throw StoreError("store URL '\(url)' has no scheme: use sqlite:PATH", code: .invalid)
        }
        let scheme = url[..<colon].lowercased(), rest = String(url[url.index(after: colon)...])
        switch scheme {
        case "sqlite":
            let path = rest.hasPrefix("//") ? String(rest.dropFirst(2)) : rest
            guard !path.isEmpty else { throw StoreError("store URL '\(url)' has no path: use sqlite:PATH", code: .invalid) }
            backend = .sqlite(path: path.hasPrefix("/") ? path : home.appendingPathComponent(path).path)
        default:
            throw StoreError("store URL scheme '\(scheme)' is not one of: \(Self.schemes.joined(separator: ", ")) (sqlite:PATH)",
                             code: .invalid)
        }
    }

    public var description: String {
        switch backend {
        case .sqlite(let path): "sqlite:\(path)"
        }
    }

    /// Opens the store (creating it and applying migrations if needed).
    public func open() throws -> any StoreBackend {
        switch backend {
        case .sqlite(let path): try SQLiteStore(path: path)
        }
    }
}
