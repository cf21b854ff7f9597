import Application
import Domain
import Drafting
import Foundation
import Hummingbird
import LLM
import Lifecycle
import Store

struct ModelList: ResponseEncodable {
    struct Model: Encodable {
        var kind: String
        var version: String
        /// True for the model that answers (the router champion).
        var active: Bool
        /// Registry aliases of a router version: `champion`, `challenger`.
        var aliases: [String]
    }
    var models: [Model]
}

struct AliasHistory: ResponseEncodable {
    var history: [AliasChange]
}

struct PromoteInput: Decodable {
    var version: String?
    var force: Bool?
    var reason: String?
    /// Required accuracy gain over the champion, in percentage points (default 0.5).
    var margin: Double?
}

struct ReasonInput: Decodable {
    var reason: String?
}

struct ChallengerInput: Decodable {
    /// The version to name challenger; null clears the alias.
    var version: String?
    var reason: String?
}

extension ModelRegistry.Promotion: ResponseEncodable {}
extension AliasChange: ResponseEncodable {}
extension ShadowReport: ResponseEncodable {}

/// The models in use and the router registry: list (agent), history and shadow evaluation (lead), promote,
/// roll back and name a challenger (admin). Every move is audited with the caller's key; this server answers with
/// the new champion from the next request on, every other replica on the same store within a second.
struct ModelRoutes {
    let services: ServerServices
    var registry: ModelRegistry { services.routers.registry }

    func add(agent: RouteRegistrar, lead: RouteRegistrar, admin: RouteRegistrar) {
        agent.on(.get, "/models", use: models)
        lead.on(.get, "/models/history", use: history)
        lead.on(.get, "/models/shadow", use: shadowReport)
        admin.on(.post, "/models/promote", use: promoteChampion)
        admin.on(.post, "/models/rollback", use: rollBack)
        admin.on(.post, "/models/challenger", use: setChallenger)
    }

    /// GET /models: the routers with their aliases, the embedding model and the LLM.
    @Sendable func models(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        try await list()
    }

    /// GET /models/history: every alias move, newest first.
    @Sendable func history(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        AliasHistory(history: try await registry.history())
    }

    /// GET /models/shadow: the challenger against the champion on the same tickets.
    @Sendable func shadowReport(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        guard let report = try await registry.shadowReport() else {
            throw HTTPError(.notFound, message: "no challenger is named: POST /v1/models/challenger first")
        }
        return report
    }

    /// POST /models/promote: a gated promotion (or a forced one with a reason).
    @Sendable func promoteChampion(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let input = try await request.decode(as: PromoteInput.self, context: context)
        return try await promote(input, actor: context.actor)
    }

    /// POST /models/rollback: the champion alias back one step.
    @Sendable func rollBack(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let input = try await request.decode(as: ReasonInput.self, context: context)
        return try await rollback(reason: input.reason, actor: context.actor)
    }

    /// POST /models/challenger: names (or clears) the challenger.
    @Sendable func setChallenger(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let input = try await request.decode(as: ChallengerInput.self, context: context)
        return try await nameChallenger(input, actor: context.actor)
    }

    func list() async throws -> ModelList {
        let active = try await services.routers.current().champion?.version
        let aliases = try await registry.aliases()
        let routers = services.routers.versions().reversed().map { version in
            ModelList.Model(kind: "router", version: version, active: version == active,
                            aliases: ModelAlias.allCases.filter { aliases[$0] == version }.map(\.rawValue))
        }
        return ModelList(models: routers + [
            .init(kind: "embedding", version: services.embedder.identity.key, active: true, aliases: []),
            .init(kind: "llm", version: services.drafting.model?.modelName ?? "none", active: services.drafting.model != nil,
                  aliases: []),
        ])
    }

    // The actions, shared by the API and the web UI; their refusals are 4xx errors with the reason.

    func promote(_ input: PromoteInput, actor: String) async throws -> ModelRegistry.Promotion {
        let version = try Validate.text(input.version, "version", max: 200)!
        let reason = try Validate.text(input.reason, "reason", max: 2_000, required: input.force == true)
        let margin = input.margin ?? 0.5
        guard (0...100).contains(margin) else { throw HTTPError(.badRequest, message: "margin must be 0–100 points") }
        return try await refusals {
            try await registry.promote(version, gate: PromotionGate(margin: margin / 100),
                                       forceReason: input.force == true ? reason : nil, actor: actor)
        }
    }

    func rollback(reason: String?, actor: String) async throws -> AliasChange {
        let reason = try Validate.text(reason, "reason", max: 2_000, required: false) ?? "rollback"
        return try await refusals { try await registry.rollback(actor: actor, reason: reason) }
    }

    func nameChallenger(_ input: ChallengerInput, actor: String) async throws -> AliasChange {
        let version = try Validate.text(input.version, "version", max: 200, required: false)
        let reason = try Validate.text(input.reason, "reason", max: 2_000, required: false)
            ?? (version == nil ? "challenger cleared" : "challenger assigned")
        return try await refusals { try await registry.setChallenger(version, actor: actor, reason: reason) }
    }

    /// A refused promotion or an impossible move (nothing to roll back to, already the champion) is a 409 with
    /// the registry's explanation, not a 500. Store errors (an unknown version, an alias moved meanwhile, a full
    /// disk) reach the error middleware, which answers with the status of their code.
    private func refusals<T>(_ action: () async throws -> T) async throws -> T {
        defer { services.routers.aliasesChanged() }
        do {
            return try await action()
        } catch let refused as ModelRegistry.PromotionRefused {
            throw HTTPError(.conflict, message: refused.description)
        } catch let error as LifecycleError {
            throw HTTPError(.conflict, message: error.description)
        }
    }
}
