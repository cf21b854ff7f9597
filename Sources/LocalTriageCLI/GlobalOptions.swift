import ArgumentParser
import Foundation

/// Options every command accepts: where the instance lives, and how to report.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Instance directory holding the store, models and logs (env LOCALTRIAGE_HOME, default ./.localtriage).",
        valueName: "dir"))
    var home: String?

    @Flag(name: .long, help: "Print exactly one JSON object on stdout instead of a table.")
    var json = false

    /// The resolved home directory, created if missing.
    func homeDirectory() throws -> URL {
        let path = home ?? ProcessInfo.processInfo.environment["LOCALTRIAGE_HOME"] ?? ".localtriage"
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
