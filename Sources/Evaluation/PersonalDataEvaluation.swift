import Foundation
import Privacy

/// The personal-data detector on the generated labelled set (`PersonalDataCorpus`): precision, recall and F2 per
/// type and overall, n per type, and how many look-alikes it flagged. A value found counts when a span of the same
/// type covers it whole (a span cutting it short leaks the rest); every other span found is a false positive.
public struct PersonalDataEvaluation: Sendable {
    public var corpus: PersonalDataCorpus
    public var detector: PersonalDataDetector

    public init(corpus: PersonalDataCorpus, detector: PersonalDataDetector = PersonalDataDetector()) {
        self.corpus = corpus
        self.detector = detector
    }

    public struct Scores: Codable, Sendable, Equatable {
        /// Values of this type inserted.
        public var n: Int
        public var found: Int
        public var truePositives: Int
        public var falsePositives: Int
        public var falseNegatives: Int
        /// Spans that match a value exactly (no wider).
        public var exact: Int
        public var precision: Double
        public var recall: Double
        public var f2: Double

        init(n: Int, found: Int, truePositives: Int, exact: Int) {
            self.n = n
            self.found = found
            self.truePositives = truePositives
            self.exact = exact
            falsePositives = found - truePositives
            falseNegatives = n - truePositives
            precision = found == 0 ? 1 : Double(truePositives) / Double(found)
            recall = n == 0 ? 1 : Double(truePositives) / Double(n)
            f2 = precision + recall == 0 ? 0 : 5 * precision * recall / (4 * precision + recall)
        }
    }

    /// A value missed or a span found wrongly, for reading.
    public struct Miss: Codable, Sendable {
        public var language: String
        public var kind: String
        public var expected: String?
        public var found: String?
        public var text: String
    }

    public struct Result: Encodable, Sendable {
        public var seed: UInt64
        public var tickets: Int
        public var languages: [String: Int]
        public var entities: Int
        public var overall: Scores
        public var types: [String: Scores]
        /// Look-alikes inserted, and how many of them any span touched.
        public var lookAlikes: Int
        public var lookAlikeFalsePositives: Int
        public var lookAlikeFalsePositivesByKind: [String: Int]
        public var lookAlikesByKind: [String: Int]
        /// Spans found that touch neither a value nor a look-alike (the sentences around them).
        public var otherFalsePositives: Int
        public var goals: [String: Bool]
        /// The misses and false positives (not in the JSON report; `--details` writes them).
        public var misses: [Miss]

        enum CodingKeys: String, CodingKey {
            case seed, tickets, languages, entities, overall, types, lookAlikes, lookAlikeFalsePositives, lookAlikeFalsePositivesByKind,
                lookAlikesByKind, otherFalsePositives, goals
        }
    }

    public func run() -> Result {
        let examples = corpus.generate()
        var found: [PersonalDataType: Int] = [:], truePositives: [PersonalDataType: Int] = [:], exact: [PersonalDataType: Int] = [:]
        var n: [PersonalDataType: Int] = [:]
        var lookAlikeHits: [String: Int] = [:], lookAlikesByKind: [String: Int] = [:]
        var otherFalsePositives = 0
        var misses: [Miss] = []
        for example in examples {
            let text = example.text
            let utf16 = text.utf16
            let spans = detector.spans(in: text).map { span in
                (
                    span, utf16.distance(from: utf16.startIndex, to: span.range.lowerBound),
                    utf16.distance(from: utf16.startIndex, to: span.range.upperBound)
                )
            }
            var matchedSpans = Set<Int>()
            for entity in example.entities {
                let type = PersonalDataType(rawValue: entity.label)!
                n[type, default: 0] += 1
                if let index = spans.indices.first(where: { spans[$0].0.type == type && spans[$0].1 <= entity.start && spans[$0].2 >= entity.end }) {
                    truePositives[type, default: 0] += 1
                    if spans[index].1 == entity.start && spans[index].2 == entity.end { exact[type, default: 0] += 1 }
                    matchedSpans.insert(index)
                } else {
                    let overlapping = spans.first { $0.1 < entity.end && $0.2 > entity.start }
                    misses.append(
                        Miss(
                            language: example.language, kind: "missed \(entity.label)", expected: entity.text,
                            found: overlapping.map { "\($0.0.type.rawValue): \($0.0.text)" }, text: text))
                }
            }
            for lookAlike in example.lookAlikes { lookAlikesByKind[lookAlike.label, default: 0] += 1 }
            var touchedLookAlikes = Set<Int>()
            for (index, (span, start, end)) in spans.enumerated() {
                found[span.type, default: 0] += 1
                guard !matchedSpans.contains(index) else { continue }
                if let hit = example.lookAlikes.indices.first(where: { example.lookAlikes[$0].start < end && example.lookAlikes[$0].end > start }) {
                    if touchedLookAlikes.insert(hit).inserted { lookAlikeHits[example.lookAlikes[hit].label, default: 0] += 1 }
                    misses.append(
                        Miss(
                            language: example.language, kind: "look-alike \(example.lookAlikes[hit].label) as \(span.type.rawValue)",
                            expected: nil, found: span.text, text: text))
                } else if !example.entities.contains(where: { $0.start < end && $0.end > start }) {
                    otherFalsePositives += 1
                    misses.append(Miss(language: example.language, kind: "false \(span.type.rawValue)", expected: nil, found: span.text, text: text))
                } else {
                    misses.append(
                        Miss(language: example.language, kind: "wrong span \(span.type.rawValue)", expected: nil, found: span.text, text: text))
                }
            }
        }
        var types: [String: Scores] = [:]
        for type in PersonalDataType.allCases {
            types[type.rawValue] = Scores(
                n: n[type, default: 0], found: found[type, default: 0], truePositives: truePositives[type, default: 0],
                exact: exact[type, default: 0])
        }
        let overall = Scores(
            n: n.values.reduce(0, +), found: found.values.reduce(0, +), truePositives: truePositives.values.reduce(0, +),
            exact: exact.values.reduce(0, +))
        let goals: [String: Bool] = [
            "recall ≥ .98 for cards, IBANs and emails": [PersonalDataType.card, .iban, .email].allSatisfy { types[$0.rawValue]!.recall >= 0.98 },
            "recall ≥ .95 for phones": types[PersonalDataType.phone.rawValue]!.recall >= 0.95,
            "precision ≥ .95 overall": overall.precision >= 0.95,
        ]
        return Result(
            seed: corpus.seed, tickets: examples.count,
            languages: Dictionary(grouping: examples, by: \.language).mapValues(\.count), entities: overall.n,
            overall: overall, types: types, lookAlikes: lookAlikesByKind.values.reduce(0, +),
            lookAlikeFalsePositives: lookAlikeHits.values.reduce(0, +), lookAlikeFalsePositivesByKind: lookAlikeHits,
            lookAlikesByKind: lookAlikesByKind, otherFalsePositives: otherFalsePositives, goals: goals, misses: misses)
    }
}
