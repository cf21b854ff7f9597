import ArgumentParser

@main
struct LocalTriage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localtriage",
        abstract: "A self-hosted, privacy-first support copilot.",
        subcommands: [
            BenchCommand.self,
        ]
    )
}
