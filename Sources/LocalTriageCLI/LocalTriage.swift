import ArgumentParser
import Foundation

@main
struct LocalTriage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localtriage",
        abstract: "A self-hosted, privacy-first support copilot.",
        discussion: "Global options --home DIR and --json may come before or after the command name.",
        subcommands: [
            IngestCommand.self,
            SearchCommand.self,
            SimilarCommand.self,
            DraftCommand.self,
            AnswersCommand.self,
            ServeCommand.self,
            KeysCommand.self,
            StoreAdminCommand.self,
            EvalCommand.self,
            TrainCommand.self,
            TriageCommand.self,
            MonitorCommand.self,
            RunsCommand.self,
            ModelsCommand.self,
            StatsCommand.self,
            QuarantineCommand.self,
            AuditCommand.self,
            BenchCommand.self,
        ]
    )

    /// Accepts the global options before the command name too (`localtriage --home X ingest ...`) by moving
    /// them after it, where every command declares them.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var moved: [String] = []
        while let first = arguments.first, first.hasPrefix("--") {
            if first == "--json" {
                moved.append(arguments.removeFirst())
            } else if first == "--home", arguments.count >= 2 {
                moved += arguments.prefix(2)
                arguments.removeFirst(2)
            } else if first.hasPrefix("--home=") {
                moved.append(arguments.removeFirst())
            } else {
                break
            }
        }
        if !moved.isEmpty && (arguments.isEmpty || arguments.first?.hasPrefix("-") == true) {
            arguments += moved  // no command name follows: let the parser report it
            moved = []
        }
        await main(arguments + moved)
    }
}
