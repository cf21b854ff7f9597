import Domain
import Foundation

/// The router that answers, for a long-running process (the HTTP server): each `current()` reads the champion
/// alias from the store (one indexed row) and decodes the artefact only when the alias names another version
/// than the cached one. A promotion or rollback by any process (the CLI, another replica) is therefore picked
/// up by the next request, without a restart. Homes from before the registry (no champion) get the newest
/// artefact on disk.
public actor ChampionLoader {
    public let registry: ModelRegistry
    private var cached: RouterArtifact.Loaded?

    public init(registry: ModelRegistry) {
        self.registry = registry
    }

    /// The champion router, reloaded when the champion changed since the last call.
    public func current() async throws -> RouterArtifact.Loaded {
        let version = try await registry.championVersion() ?? RouterArtifact.latestVersion(home: registry.home)
        guard let version else {
            throw LifecycleError("no trained router under \(RouterArtifact.root(home: registry.home).path): "
                + "run `localtriage train router --data FILE`")
        }
        if let cached, cached.version == version { return cached }
        let home = registry.home
        let loaded = try await offPool { try RouterArtifact.load(version, home: home) }  // decoding takes CPU
        cached = loaded
        return loaded
    }
}
