import Foundation
import Lifecycle
import Store

/// Which router a command uses: `champion` (the registry's; the newest artefact in homes trained before the
/// registry existed), `latest`, a version name, or a version folder.
enum RouterSelection {
    static let help = "The router: champion (default), latest, a version name, or a version folder."

    static func load(_ reference: String, global: GlobalOptions) async throws -> RouterArtifact.Loaded {
        let home = try global.homeDirectory()
        if reference.hasPrefix("router-"), !FileManager.default.fileExists(atPath: RouterArtifact.directory(version: reference, home: home).path) {
            // A version trained elsewhere (another machine of the install): its files are in the store.
            try await global.withStore { try await ModelRegistry(store: $0, home: home).restoreArtifact(reference) }
        }
        guard reference == "champion" else { return try RouterArtifact.load(reference, home: home) }
        return try await global.withStore { try await RouterLoader(registry: ModelRegistry(store: $0, home: home)).champion() }
    }
}
