import Domain
import Foundation
import Store

/// The router an alias names, for a long-running process (the HTTP server): each `current()` reads the alias
/// from the store (one indexed row) and decodes the artefact only when the alias names another version than the
/// cached one. A promotion, rollback or new challenger by any process (the CLI, another replica) is therefore
/// picked up by the next request, without a restart; a version the home lacks is written into it from the store
/// first (`ModelRegistry.restoreArtifact`). For the champion, homes from before the registry (no
/// alias) get the newest artefact on disk.
public actor RouterLoader {
    public let registry: ModelRegistry
    public let alias: ModelAlias
    private var cached: RouterArtifact.Loaded?
    /// Set: each router loaded must have been trained with this embedder (nil: none is loaded).
    private let running: EmbedderIdentity??

    /// A loader that leaves the embedder check to the caller (`RouterArtifact.Loaded.requireEmbedder`).
    public init(registry: ModelRegistry, alias: ModelAlias = .champion) {
        self.registry = registry
        self.alias = alias
        running = .none
    }

    /// A loader that refuses routers trained with another embedder than `embedder` (nil: no embedder is loaded,
    /// so only routers without embeddings load), with an error saying which model each side has.
    public init(registry: ModelRegistry, alias: ModelAlias = .champion, embedder: EmbedderIdentity?) {
        self.registry = registry
        self.alias = alias
        running = .some(embedder)
    }

    /// The router the alias names, reloaded when the alias moved since the last call; nil when it names none.
    public func current() async throws -> RouterArtifact.Loaded? {
        try await load(aliases: try await registry.aliases())
    }

    /// The router the alias names in `aliases` (one read of the registry, shared by several loaders).
    public func load(aliases: [ModelAlias: String]) async throws -> RouterArtifact.Loaded? {
        var version = aliases[alias]
        if version == nil && alias == .champion { version = RouterArtifact.latestVersion(home: registry.home) }
        guard let version else { return nil }
        if let cached, cached.version == version { return try checked(cached) }
        try await registry.restoreArtifact(version)
        let home = registry.home
        let loaded = try await offPool { try RouterArtifact.load(version, home: home) }  // decoding takes CPU
        cached = loaded
        return try checked(loaded)
    }

    private func checked(_ loaded: RouterArtifact.Loaded) throws -> RouterArtifact.Loaded {
        if case .some(let embedder) = running { try loaded.requireEmbedder(embedder) }
        return loaded
    }

    /// The champion: like `current()`, but throws when no router was trained.
    public func champion() async throws -> RouterArtifact.Loaded {
        guard let loaded = try await current() else {
            throw LifecycleError("no trained router under \(RouterArtifact.root(home: registry.home).path): "
                + "run `localtriage train router --data FILE`")
        }
        return loaded
    }
}
