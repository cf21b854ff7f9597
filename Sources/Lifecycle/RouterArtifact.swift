import Domain
import Foundation
import Routing
import Store

/// A trained router on disk: `<home>/models/router/<version>/router.json` with `manifest.json` beside it (training
/// data hash and size, validation metrics, the SHA-256 of router.json) and, once recorded, `MODEL_CARD.md`.
public enum RouterArtifact {
    /// What `manifest.json` says about a saved router.
    public struct Manifest: Codable, Sendable {
        public var version: String
        public var createdAt: Date
        public var trainingData: String
        public var trainingDataSHA256: String
        public var examples: Int
        public var validation: Router.ValidationReport
        public var usesEmbeddings: Bool
        /// The embedder's name (`embedder.id`; the literal "all-MiniLM-L6-v2" in manifests from before identities).
        public var embeddingModel: String?
        /// The embedder the router was trained with (absent in manifests from before identities, and without
        /// embeddings).
        public var embedder: EmbedderIdentity?
        /// SHA-256 of router.json (absent in manifests written before the registry existed).
        public var artifactSHA256: String?
    }

    /// A router read from disk with its version and manifest.
    public struct Loaded: Sendable {
        public var version: String
        public var directory: URL
        public var router: Router
        /// The manifest beside router.json (nil when there is none).
        public var manifest: Manifest?

        /// The embedder the router needs: the manifest's identity; for manifests from before identities, the name
        /// they record and the router's own width with the revision unknown (any revision is accepted). Nil when
        /// the router uses no embeddings.
        public var embedder: EmbedderIdentity? {
            guard router.usesEmbeddings else { return nil }
            if let recorded = manifest?.embedder { return recorded }
            return EmbedderIdentity(id: manifest?.embeddingModel ?? EmbedderIdentity.packagedMiniLM.id,
                                    dimension: router.categoryModel.denseDimension, revision: nil)
        }

        /// Throws unless `running` is the embedder the router was trained with; a router without embeddings needs
        /// none. Never crashes on a model of another width: the error says which model to load, or to retrain.
        public func requireEmbedder(_ running: EmbedderIdentity?) throws {
            guard let wanted = embedder else { return }
            guard let running else {
                throw EmbedderMismatchError("router \(version) uses sentence embeddings of \(wanted) and no embedder is loaded: "
                    + "install the model (`make setup`, or LOCALTRIAGE_MINILM_DIR / --model FOLDER)")
            }
            guard wanted.accepts(running), running.dimension == router.categoryModel.denseDimension else {
                throw EmbedderMismatchError("router \(version) was trained with embeddings of \(wanted), but the loaded embedder "
                    + "is \(running): load that model (LOCALTRIAGE_MINILM_DIR / --model FOLDER), or retrain the router "
                    + "with this one (`localtriage train router --data FILE`)")
            }
        }
    }

    /// The folder holding every router version of a home.
    public static func root(home: URL) -> URL { home.appendingPathComponent("models/router") }

    /// The folder of one version.
    public static func directory(version: String, home: URL) -> URL { home.appendingPathComponent(folder(version: version)) }

    /// The folder of one version as a path inside the home (the store keeps its files under it: `SharedFile`).
    public static func folder(version: String) -> String { "models/router/" + version }

    /// Writes `router` as a new version (named after the current UTC time) and returns its manifest; `embedder`
    /// is the identity of the encoder that made its training embeddings.
    public static func save(_ router: Router, trainingData: DatasetReference, embedder: EmbedderIdentity? = nil,
                            home: URL) throws -> Manifest {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss-SSS"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let now = Date()
        let version = "router-" + formatter.string(from: now)
        let dir = directory(version: version, home: home)
        guard !FileManager.default.fileExists(atPath: dir.path) else { throw LifecycleError("\(dir.path) already exists") }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let encoded = try JSONEncoder().encode(router)
        try encoded.write(to: dir.appendingPathComponent("router.json"))
        let manifest = Manifest(
            version: version, createdAt: now, trainingData: trainingData.path, trainingDataSHA256: trainingData.sha256,
            examples: trainingData.examples, validation: router.validation, usesEmbeddings: router.usesEmbeddings,
            embeddingModel: router.usesEmbeddings ? embedder?.id : nil, embedder: router.usesEmbeddings ? embedder : nil,
            artifactSHA256: ContentHash.sha256(encoded))
        try reportEncoder.encode(manifest).write(to: dir.appendingPathComponent("manifest.json"))
        return manifest
    }

    /// Loads a version by name, a version folder by path, or the newest version when `reference` is "latest".
    /// A router whose bytes do not match the manifest's SHA-256 is refused.
    public static func load(_ reference: String, home: URL) throws -> Loaded {
        let dir: URL
        if reference == "latest" {
            guard let newest = latestVersion(home: home) else {
                throw LifecycleError("no trained router under \(root(home: home).path): run `localtriage train router --data FILE`")
            }
            dir = directory(version: newest, home: home)
        } else if FileManager.default.fileExists(atPath: directory(version: reference, home: home).path) {
            dir = directory(version: reference, home: home)
        } else {
            dir = URL(fileURLWithPath: reference)
        }
        let file = dir.appendingPathComponent("router.json")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw LifecycleError("no router at \(file.path)")
        }
        let manifest = try? manifest(at: dir)
        if let expected = manifest?.artifactSHA256, ContentHash.sha256(data) != expected {
            throw LifecycleError("\(file.path) does not match the SHA-256 in its manifest: the artefact changed since training")
        }
        return Loaded(version: dir.lastPathComponent, directory: dir,
                      router: try JSONDecoder().decode(Router.self, from: data), manifest: manifest)
    }

    /// The manifest of a version folder.
    public static func manifest(at directory: URL) throws -> Manifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    /// The newest version on disk (versions are named by time), or nil.
    /// Every saved version, oldest first.
    public static func versions(home: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root(home: home).path)) ?? [])
            .filter { $0.hasPrefix("router-") }.sorted()
    }

    public static func latestVersion(home: URL) -> String? { versions(home: home).last }

    /// The encoding of manifests: sorted keys, ISO 8601 dates.
    static var reportEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// A router trained with another embedder than the one loaded (or with one, when none is): the message names both
/// and what to do. The server answers it with 503, as when no router is trained.
public struct EmbedderMismatchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
