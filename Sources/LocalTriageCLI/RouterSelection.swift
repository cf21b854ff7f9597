import Foundation
import Lifecycle
import Store

/// Which router a command uses: `champion` (the registry's; the newest artefact in homes trained before the
/// registry existed), `latest`, a version name, or a version folder.
enum RouterSelection {
    static let help = "The router: champion (default), latest, a version name, or a version folder."

    static func load(_ reference: String, home: URL) async throws -> RouterArtifact.Loaded {
        guard reference == "champion" else { return try RouterArtifact.load(reference, home: home) }
        return try await RouterLoader(registry: ModelRegistry(store: try SQLiteStore(home: home), home: home)).champion()
    }
}
