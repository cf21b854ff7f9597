import ArgumentParser
import Domain
import Drafting
import Foundation
import Readers

/// `localtriage eval verifier`: chooses the citation verifier's support threshold on labelled sentence–source pairs.
struct EvalVerifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verifier",
        abstract: "Choose the citation verifier's threshold on data: support scores of supported vs unsupported citations.",
        discussion: """
            From a CSV/JSON/JSONL of answers with intents (Bitext: response, intent, category), builds --n sentence–source \
            pairs of each label. Supported: a sentence of one answer cited against another answer to the same intent. \
            Unsupported: the same sentence cited against an answer to a different intent of the same category (a hard \
            case: same vocabulary, other facts). Sources are clipped as the draft pipeline clips them. Reports, per \
            threshold, the share of supported pairs accepted and of unsupported pairs rejected. The chosen threshold is the \
            lowest that rejects at least --min-rejected of the unsupported pairs: a citation wrongly marked supported \
            misleads the agent, one wrongly flagged only costs a look (or an extractive draft).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Answers with intents.") var data: String
    @Option(help: "Field holding the answer.") var answerField = "response"
    @Option(help: "Field holding the intent.") var intentField = "intent"
    @Option(help: "Field holding the category (unsupported pairs share it).") var categoryField = "category"
    @Option(help: "Pairs of each label.") var n = 1500
    @Option(help: "Sampling seed.") var seed: UInt64 = 7
    @Option(help: "Characters of each source, as the draft pipeline clips them (0 = whole answers).")
    var sourceCharacters = DraftOptions().sourceCharacters
    @Option(help: "Share of unsupported pairs the chosen threshold must reject.") var minRejected = 0.9

    struct Row: Encodable { var threshold: Double; var supportedAccepted: Double; var unsupportedRejected: Double; var balancedAccuracy: Double }
    struct Output: Encodable {
        var data: String
        var pairsPerLabel: Int
        var currentThreshold: Double
        var chosenThreshold: Double
        var atCurrent: Row
        var atChosen: Row
        var bestBalancedAccuracy: Row
        var meanSupport: [String: Double]
        var curve: [Row]
    }

    func run() async throws {
        let records = try RecordReader(path: data).read(path: data).compactMap { try? $0.get() }
            .filter { !($0.fields[answerField] ?? "").isEmpty && !($0.fields[intentField] ?? "").isEmpty }
        var byIntent: [String: [Int]] = [:]
        for (i, r) in records.enumerated() { byIntent[r.fields[intentField]!, default: []].append(i) }
        guard byIntent.count > 1 else { throw ValidationError("\(data) needs answers to at least two intents") }
        let verifier = CitationVerifier(embedder: try EncoderLoader.load())
        func source(_ i: Int) -> String {
            let answer = records[i].fields[answerField]!
            return sourceCharacters > 0 ? DraftingPipeline.clip(answer, to: sourceCharacters) : answer
        }

        var rng = SeededRandom(seed: seed)
        var supported: [Double] = [], unsupported: [Double] = []
        var attempts = 0
        while supported.count < n, attempts < n * 20 {
            attempts += 1
            let i = Int.random(in: 0..<records.count, using: &rng)
            let r = records[i]
            let sentences = CitedSentence.splitSentences(r.fields[answerField]!).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.count >= 25 && !$0.contains("{{") && ".!?".contains($0.last!) }
            let sameIntent = byIntent[r.fields[intentField]!]!.filter { $0 != i }
            let otherIntent = records.indices.filter {
                records[$0].fields[categoryField] == r.fields[categoryField] && records[$0].fields[intentField] != r.fields[intentField]
            }
            guard let sentence = sentences.randomElement(using: &rng), let same = sameIntent.randomElement(using: &rng),
                  let other = otherIntent.randomElement(using: &rng) else { continue }
            supported.append(try verifier.support(of: sentence, by: source(same)))
            unsupported.append(try verifier.support(of: sentence, by: source(other)))
            if supported.count % 100 == 0 { Report.note("scored \(supported.count)/\(n) pairs of each label") }
        }
        guard !supported.isEmpty else { throw ValidationError("no usable pairs in \(data)") }

        func row(_ t: Double) -> Row {
            let accepted = Double(supported.filter { $0 >= t }.count) / Double(supported.count)
            let rejected = Double(unsupported.filter { $0 < t }.count) / Double(unsupported.count)
            return Row(threshold: t, supportedAccepted: accepted, unsupportedRejected: rejected, balancedAccuracy: (accepted + rejected) / 2)
        }
        let curve = stride(from: 0.30, through: 0.901, by: 0.025).map { row(($0 * 1000).rounded() / 1000) }
        let best = curve.max { $0.balancedAccuracy < $1.balancedAccuracy }!
        let chosen = curve.first { $0.unsupportedRejected >= minRejected } ?? curve.last!
        let output = Output(data: data, pairsPerLabel: supported.count, currentThreshold: CitationVerifier.defaultThreshold,
                            chosenThreshold: chosen.threshold, atCurrent: row(CitationVerifier.defaultThreshold), atChosen: chosen,
                            bestBalancedAccuracy: best,
                            meanSupport: ["supported": supported.reduce(0, +) / Double(supported.count),
                                          "unsupported": unsupported.reduce(0, +) / Double(unsupported.count)],
                            curve: curve)
        if global.json { return try Report.json(output) }
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        var rows = [["threshold", "supported accepted", "unsupported rejected", "balanced accuracy"]]
        for r in curve { rows.append([String(format: "%.3f", r.threshold), pct(r.supportedAccepted), pct(r.unsupportedRejected), pct(r.balancedAccuracy)]) }
        print(Report.table(rows))
        print("\n\(supported.count) pairs of each label. Chosen (lowest rejecting ≥ \(pct(minRejected)) of unsupported): "
              + "\(chosen.threshold), accepting \(pct(chosen.supportedAccepted)) of supported. In use: \(CitationVerifier.defaultThreshold). "
              + "Best balanced accuracy: \(best.threshold) (\(pct(best.balancedAccuracy))).")
    }
}
