import ArgumentParser
import Foundation
import Server
import Store

/// `localtriage keys create|list|revoke`: API keys with roles; only their hashes are stored; every change is audited.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys (roles: metrics, agent, lead, admin).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; it is printed once and stored only hashed.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Who or what the key is for.") var name: String
        @Option(help: "metrics (reads /metrics only: for a scraper), agent, lead or admin.") var role: String = "agent"

        func run(store: any StoreBackend) async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be metrics, agent, lead or admin") }
            let (key, secret) = try await APIKeys.create(name: name, role: role, in: store, actor: "cli:\(NSUserName())")
            struct Output: Encodable { var id: String; var name: String; var role: Role; var key: String }
            if global.json { return try Report.json(Output(id: key.id, name: key.name, role: key.role, key: secret)) }
            print("created \(key.role.rawValue) key \(key.id) for \(key.name); it is shown only now:\n\(secret)")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (ids, names, roles; never secrets).")
        @OptionGroup var global: GlobalOptions

        func run(store: any StoreBackend) async throws {
            let keys = try await store.apiKeys()
            struct Output: Encodable { var keys: [APIKey] }
            if global.json { return try Report.json(Output(keys: keys)) }
            print(Report.table([["id", "name", "role", "created", "revoked"]] + keys.map {
                [$0.id, $0.name, $0.role.rawValue, ISO8601DateFormatter().string(from: $0.createdAt),
                 $0.revokedAt.map { ISO8601DateFormatter().string(from: $0) } ?? ""]
            }))
        }
    }

    struct Revoke: StoreCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key id.") var id: String

        func run(store: any StoreBackend) async throws {
            let revoked = try await store.revokeAPIKey(id: id, actor: "cli:\(NSUserName())")
            guard revoked else { throw ValidationError("no live key \(id)") }
            if global.json { return try Report.json(["revoked": id]) }
            print("revoked \(id)")
        }
    }
}
