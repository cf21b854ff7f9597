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
        public var embeddingModel: String?
        /// SHA-256 of router.json (absent in manifests written before the registry existed).
        public var artifactSHA256: String?
    }

    /// A router read from disk with its version and manifest.
    public struct Loaded: Sendable {
        public var version: String
        public var directory: URL
        public var router: Router
    }

    /// The folder holding every router version of a home.
    public static func root(home: URL) -> URL { home.appendingPathComponent("models/router") }

    /// The folder of one version.
    public static func directory(version: String, home: URL) -> URL { root(home: home).appendingPathComponent(version) }

    /// Writes `router` as a new version (named after the current UTC time) and returns its manifest.
    public static func save(_ router: Router, trainingData: DatasetReference, home: URL) throws -> Manifest {
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
            embeddingModel: router.usesEmbeddings ? "all-MiniLM-L6-v2" : nil, artifactSHA256: ContentHash.sha256(encoded))
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
        if let expected = try? manifest(at: dir).artifactSHA256, ContentHash.sha256(data) != expected {
            throw LifecycleError("\(file.path) does not match the SHA-256 in its manifest: the artefact changed since training")
        }
        return Loaded(version: dir.lastPathComponent, directory: dir,
                      router: try JSONDecoder().decode(Router.self, from: data))
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
