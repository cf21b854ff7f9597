import ArgumentParser
import Evaluation
import Foundation
import Privacy
import Store

/// `localtriage eval pii`: the personal-data detector on a generated labelled set.
struct EvalPIICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pii",
        abstract: "Score the personal-data detector on a generated, labelled set of support tickets.",
        discussion: """
            Generates support tickets in English (US and UK formats), German, French and Spanish with personal data \
            inserted (emails, phones, cards, IBANs, IP addresses, street addresses, national ids, secrets) beside \
            look-alikes that are not personal data (order numbers, error codes, versions, amounts, dates, times, ticket \
            ids, tracking numbers failing Luhn, plain numbers, identifiers failing their checksum). The ground truth is \
            what was inserted; a value counts as found when a span of its type covers it whole. Reports precision, \
            recall and F2 per type and overall with n, and how many look-alikes were flagged. The same seed gives the \
            same set; the detector was developed on seeds 1 and 7, the README reports seed 2029.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Seed of the generated set (the detector was developed on seeds 1 and 7; 2027 and 2028 each showed one bug, fixed).") var seed:
        UInt64 = 2029
    @Option(help: "Personal-data values to generate (at least).") var entities = 2_400
    @Option(help: "Look-alikes to generate (at least).") var lookAlikes = 2_400
    @Option(help: "Write every miss and false positive to this JSONL file.") var details: String?

    func run() async throws {
        let output = PersonalDataEvaluation(corpus: PersonalDataCorpus(seed: seed, entities: entities, lookAlikes: lookAlikes)).run()
        if let details {
            let lines = try output.misses.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
            try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(toFile: details, atomically: true, encoding: .utf8)
        }
        if global.json { return try Report.json(output) }
        func row(_ name: String, _ s: PersonalDataEvaluation.Scores) -> [String] {
            [
                name, String(s.n), String(format: "%.3f", s.precision), String(format: "%.3f", s.recall), String(format: "%.3f", s.f2),
                "\(s.falsePositives) / \(s.falseNegatives)",
            ]
        }
        print(
            "seed \(output.seed): \(output.tickets) tickets (\(output.languages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), "
                + "\(output.entities) values, \(output.lookAlikes) look-alikes")
        print(
            Report.table(
                [["type", "n", "precision", "recall", "F2", "false + / −"]]
                    + PersonalDataType.allCases.map { row($0.rawValue, output.types[$0.rawValue]!) }
                    + [row("overall", output.overall)]))
        print(
            "look-alikes flagged: \(output.lookAlikeFalsePositives) of \(output.lookAlikes)"
                + (output.lookAlikeFalsePositivesByKind.isEmpty
                    ? ""
                    : " ("
                        + output.lookAlikeFalsePositivesByKind.sorted { $0.key < $1.key }
                        .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"))
        for (goal, met) in output.goals.sorted(by: { $0.key < $1.key }) { print("\(met ? "met" : "NOT met"): \(goal)") }
    }
}
