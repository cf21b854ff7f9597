import Domain
import Foundation
import Lifecycle
import NIOConcurrencyHelpers
import Routing
import Store

/// The routers that answer: the registry's champion (or, in a home without a registry, the newest artefact), and
/// the challenger scored beside it on live tickets (shadow evaluation). The aliases are read again when the last
/// read is older than `aliasLifetime`, so a promotion, rollback or new challenger made by another process (the
/// CLI, another replica) takes effect within that time, without a restart; one made through this server's API
/// takes effect on the next request (`aliasesChanged()`).
public struct RouterProvider: Sendable {
    public let home: URL
    public let registry: ModelRegistry
    /// How long a read of the aliases is trusted (busy servers would otherwise read them on every triage).
    public let aliasLifetime: Duration
    private let champion: RouterLoader
    private let challenger: RouterLoader
    private let cached = NIOLockedValueBox(Cached())

    private struct Cached {
        var routers: Routers?
        var until = ContinuousClock.now
        /// Bumped by `aliasesChanged()`: a read that began before it is not cached.
        var generation = 0
    }

    /// `embedder`, when given, is the running encoder: a router trained with another is refused with an error
    /// saying which model it needs (`RouterArtifact.Loaded.requireEmbedder`).
    public init(store: any ModelLifecycleStore, home: URL, aliasLifetime: Duration = .milliseconds(500),
                embedder: EmbedderIdentity? = nil) {
        self.home = home
        self.aliasLifetime = aliasLifetime
        registry = ModelRegistry(store: store, home: home)
        if let embedder {
            champion = RouterLoader(registry: registry, alias: .champion, embedder: embedder)
            challenger = RouterLoader(registry: registry, alias: .challenger, embedder: embedder)
        } else {
            champion = RouterLoader(registry: registry, alias: .champion)
            challenger = RouterLoader(registry: registry, alias: .challenger)
        }
    }

    /// A router and its version.
    public typealias Versioned = (version: String, router: Routing.Router)
    /// The champion (nil when none is trained) and the challenger (nil when none is named).
    public typealias Routers = (champion: Versioned?, challenger: Versioned?)

    /// The champion and the challenger, from one read of the aliases: a request sees both as they were at one
    /// moment.
    public func current() async throws -> Routers {
        let now = ContinuousClock.now
        let (hit, generation) = cached.withLockedValue { ($0.until > now ? $0.routers : nil, $0.generation) }
        if let hit { return hit }
        let aliases = try await registry.aliases()
        let champion = try await self.champion.load(aliases: aliases), challenger = try await self.challenger.load(aliases: aliases)
        let routers: Routers = (champion.map { ($0.version, $0.router) }, challenger.map { ($0.version, $0.router) })
        cached.withLockedValue { if $0.generation == generation { ($0.routers, $0.until) = (routers, now + aliasLifetime) } }
        return routers
    }

    /// Forgets the last read of the aliases: the next request reads them again (after a move made here).
    public func aliasesChanged() {
        cached.withLockedValue { $0 = Cached(generation: $0.generation + 1) }
    }

    /// Every saved version, oldest first.
    public func versions() -> [String] { RouterArtifact.versions(home: home) }
}
