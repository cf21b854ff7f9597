import ArgumentParser

/// `localtriage eval ...`: quality measurements on judged data sets.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure quality: retrieval ranking, routing accuracy, drafts, drift detection, emerging themes.",
        subcommands: [EvalRetrievalCommand.self, EvalRouterCommand.self, EvalOutOfScopeCommand.self, EvalDraftsCommand.self, EvalVerifierCommand.self,
                      EvalClaimsCommand.self, EvalPIICommand.self,
                      EvalDriftCommand.self, EvalThemesCommand.self]
    )
}
