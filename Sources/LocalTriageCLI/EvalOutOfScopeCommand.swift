import ArgumentParser
import Domain
import Foundation
import Routing

/// `localtriage eval out-of-scope`: how the router treats categories it never saw.
struct EvalOutOfScopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "out-of-scope",
        abstract: "Hold some categories out of training; report how many of their tickets the router abstains on, "
            + "and what the abstain threshold costs on the categories it knows.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Training data.") var data: String
    @Option(help: "Test data with the same fields.") var test: String
    @Option(help: "How many categories to hold out (chosen deterministically).") var holdOut = 10
    @Flag(help: "TF-IDF features only.") var noEmbeddings = false

    struct Point: Encodable {
        var threshold: Double
        var outOfScopeAbstained: Double
        var inScopeAbstained: Double
        var inScopeAnsweredAccuracy: Double
    }

    struct Output: Encodable {
        var heldOut: [String]
        var outOfScopeN: Int
        var inScopeN: Int
        var inScopeAccuracyNoAbstain: Double
        var curve: [Point]
    }

    func run() async throws {
        let train = try RoutingDataset.read(path: data).examples
        let testSet = try RoutingDataset.read(path: test).examples
        let categories = Array(Set(train.map(\.category))).sorted { ContentHash.sha256($0) < ContentHash.sha256($1) }
        guard holdOut > 0, holdOut < categories.count - 1 else { throw ValidationError("--hold-out must leave 2+ categories") }
        let held = Set(categories.prefix(holdOut))
        var options = RouterOptions()
        options.useEmbeddings = !noEmbeddings
        let encoder = options.useEmbeddings ? try EncoderLoader.load() : nil
        let router = try Router.train(train.filter { !held.contains($0.category) }, options: options,
                                      embed: encoder.map { e in { e.encode($0) } })
        let embeddings = encoder?.encode(testSet.map(\.text))
        let decisions = testSet.indices.map { router.route(testSet[$0].text, embedding: embeddings?[$0]) }
        let outside = testSet.indices.filter { held.contains(testSet[$0].category) }
        let inside = testSet.indices.filter { !held.contains(testSet[$0].category) }
        let curve = [0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7].map { t -> Point in
            let answered = inside.filter { decisions[$0].confidence >= t }
            return Point(
                threshold: t,
                outOfScopeAbstained: Double(outside.filter { decisions[$0].confidence < t }.count) / Double(max(outside.count, 1)),
                inScopeAbstained: Double(inside.count - answered.count) / Double(max(inside.count, 1)),
                inScopeAnsweredAccuracy: Double(answered.filter { decisions[$0].suggestedCategory == testSet[$0].category }.count)
                    / Double(max(answered.count, 1)))
        }
        let output = Output(
            heldOut: held.sorted(), outOfScopeN: outside.count, inScopeN: inside.count,
            inScopeAccuracyNoAbstain: Double(inside.filter { decisions[$0].suggestedCategory == testSet[$0].category }.count)
                / Double(max(inside.count, 1)),
            curve: curve)
        if global.json { return try Report.json(output) }
        print("held out: \(output.heldOut.joined(separator: ", "))")
        print("out-of-scope test tickets n = \(outside.count); in-scope n = \(inside.count); "
            + String(format: "in-scope accuracy without abstaining %.3f", output.inScopeAccuracyNoAbstain))
        print(Report.table([["threshold", "out-of-scope abstained", "in-scope abstained", "in-scope answered acc."]]
            + curve.map { [$0.threshold, $0.outOfScopeAbstained, $0.inScopeAbstained, $0.inScopeAnsweredAccuracy].map { String(format: "%.3f", $0) } }))
    }
}
