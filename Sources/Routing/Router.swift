import Domain
import Foundation

/// A labelled example for training or evaluating the router.
public struct RoutingExample: Sendable {
    public var text: String
    public var category: String
    public var priority: Priority?

    public init(text: String, category: String, priority: Priority?) {
        self.text = text
        self.category = category
        self.priority = priority
    }
}

/// What the router says about one ticket.
public struct RoutingDecision: Codable, Sendable, Equatable {
    /// The most likely category; nil when the router abstains ("needs human").
    public var category: String?
    public var queue: String?
    /// The most likely category even when abstaining, for the agent to confirm.
    public var suggestedCategory: String
    /// Calibrated probability of the suggested category.
    public var confidence: Double
    public var abstained: Bool
    public var priority: Priority?
    public var p1Probability: Double?
    /// The three most likely categories with their calibrated probabilities.
    public var top: [LabelProbability]
}

public struct LabelProbability: Codable, Sendable, Equatable {
    public var label: String
    public var probability: Double
}

/// Training settings of the router.
public struct RouterOptions: Codable, Sendable {
    public var features = FeatureConfig()
    /// L2 strengths tried on the validation split; the best by accuracy is kept.
    public var l2Grid: [Float] = [3e-6, 1e-5, 3e-5, 1e-4]
    /// Append the sentence embedding (all-MiniLM-L6-v2) to the TF-IDF features.
    public var useEmbeddings = true
    /// Share of the data held out for choosing λ, calibrating and tuning thresholds.
    public var validationShare = 0.15
    /// Below this calibrated confidence the router abstains.
    public var abstainBelow = 0.5
    /// The P1 threshold is the highest one reaching this recall on the validation split.
    public var p1TargetRecall = 0.9
    public var maxIterations = 300

    public init() {}
}

/// Routes tickets: category (and its queue) with a calibrated confidence and an abstain threshold, and priority
/// with a recall-tuned P1 detector. Labels are only ever ones seen in training.
public struct Router: Codable, Sendable {
    public var categories: [String]
    public var priorities: [Priority]
    public var vectorizer: TFIDFVectorizer
    public var categoryModel: SoftmaxRegression
    public var priorityModel: SoftmaxRegression?
    /// Softmax temperature fitted on the validation split (NLL).
    public var temperature: Float
    public var abstainBelow: Double
    public var p1Threshold: Double?
    public var queueByCategory: [String: String]
    public var usesEmbeddings: Bool
    public var validation: ValidationReport

    /// Metrics on the held-out validation split, measured before the final refit on all data.
    public struct ValidationReport: Codable, Sendable, Equatable {
        public var n: Int
        public var accuracy: Double
        public var l2: Float
        public var expectedCalibrationErrorBefore: Double
        public var expectedCalibrationErrorAfter: Double
        public var p1Recall: Double?
        public var p1Precision: Double?
    }

    /// Trains on `examples`; `embed` supplies sentence embeddings when `options.useEmbeddings`.
    public static func train(_ examples: [RoutingExample], options: RouterOptions = RouterOptions(),
                             embed: (([String]) throws -> [[Float]])? = nil) throws -> Router {
        guard examples.count >= 10 else { throw RoutingError("need at least 10 labelled examples, got \(examples.count)") }
        let categories = Array(Set(examples.map(\.category))).sorted()
        guard categories.count >= 2 else { throw RoutingError("need at least 2 categories") }
        let useEmbeddings = options.useEmbeddings && embed != nil
        let embeddings = useEmbeddings ? try embed!(examples.map(\.text)) : []

        // Deterministic split: every category keeps at least one example on each side when it can.
        var validationIndices: [Int] = [], trainIndices: [Int] = []
        for category in categories {
            let members = examples.indices.filter { examples[$0].category == category }
                .sorted { ContentHash.sha256(examples[$0].text + "\($0)") < ContentHash.sha256(examples[$1].text + "\($1)") }
            let held = members.count >= 2 ? max(1, Int((Double(members.count) * options.validationShare).rounded())) : 0
            validationIndices += members.prefix(held)
            trainIndices += members.dropFirst(held)
        }

        func rows(_ indices: [Int], _ vectorizer: TFIDFVectorizer) -> [FeatureRow] {
            indices.map { FeatureRow(sparse: vectorizer.transform(examples[$0].text), dense: useEmbeddings ? embeddings[$0] : []) }
        }
        let labelIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })

        // 1. Choose λ and the temperature on the validation split.
        var splitVectorizer = TFIDFVectorizer(config: options.features)
        splitVectorizer.fit(trainIndices.map { examples[$0].text })
        let trainRows = rows(trainIndices, splitVectorizer), validationRows = rows(validationIndices, splitVectorizer)
        let trainLabels = trainIndices.map { labelIndex[examples[$0].category]! }
        let validationLabels = validationIndices.map { labelIndex[examples[$0].category]! }
        var best: (l2: Float, accuracy: Double, model: SoftmaxRegression)?
        for l2 in options.l2Grid {
            var model = SoftmaxRegression(classes: categories.count, sparseDimension: splitVectorizer.dimension,
                                          denseDimension: useEmbeddings ? embeddings[0].count : 0)
            var fit = SoftmaxRegression.Options()
            fit.l2 = l2
            fit.maxIterations = options.maxIterations
            model.fit(trainRows, labels: trainLabels, options: fit)
            let correct = zip(validationRows, validationLabels).filter { argmax(model.logits($0)) == $1 }.count
            let accuracy = validationRows.isEmpty ? 0 : Double(correct) / Double(validationRows.count)
            if best == nil || accuracy > best!.accuracy { best = (l2, accuracy, model) }
        }
        let validationLogits = validationRows.map { best!.model.logits($0) }
        let temperature = Calibration.fitTemperature(logits: validationLogits, labels: validationLabels)
        let eceBefore = Calibration.expectedCalibrationError(logits: validationLogits, labels: validationLabels, temperature: 1)
        let eceAfter = Calibration.expectedCalibrationError(logits: validationLogits, labels: validationLabels,
                                                            temperature: temperature)

        // 2. Priority on the same split: P1 threshold for the target recall.
        let prioritized = examples.indices.filter { examples[$0].priority != nil }
        let priorities = Array(Set(prioritized.compactMap { examples[$0].priority })).sorted()
        var p1Threshold: Double?, p1Recall: Double?, p1Precision: Double?
        if priorities.count >= 2, priorities.contains(.p1) {
            let pIndex = Dictionary(uniqueKeysWithValues: priorities.enumerated().map { ($1, $0) })
            let trainP = trainIndices.filter { examples[$0].priority != nil }
            var model = SoftmaxRegression(classes: priorities.count, sparseDimension: splitVectorizer.dimension,
                                          denseDimension: useEmbeddings ? embeddings[0].count : 0)
            var fit = SoftmaxRegression.Options()
            fit.l2 = best!.l2
            model.fit(rows(trainP, splitVectorizer), labels: trainP.map { pIndex[examples[$0].priority!]! }, options: fit)
            let validP = validationIndices.filter { examples[$0].priority != nil }
            let p1Column = pIndex[.p1]!
            let scored = validP.map { (Double(model.probabilities(rows([$0], splitVectorizer)[0])[p1Column]),
                                       examples[$0].priority == .p1) }
            let positives = scored.filter(\.1).count
            if positives > 0 {
                // Highest threshold whose recall reaches the target (cost-sensitive: a missed P1 costs most).
                let candidates = Set(scored.map(\.0)).sorted(by: >)
                let chosen = candidates.first { t in
                    Double(scored.filter { $0.1 && $0.0 >= t }.count) / Double(positives) >= options.p1TargetRecall
                } ?? candidates.last ?? 0.5
                p1Threshold = min(chosen, 0.5)
                let flagged = scored.filter { $0.0 >= p1Threshold! }
                p1Recall = Double(flagged.filter(\.1).count) / Double(positives)
                p1Precision = flagged.isEmpty ? nil : Double(flagged.filter(\.1).count) / Double(flagged.count)
            } else {
                p1Threshold = 0.5
            }
        }

        // 3. Refit everything on all the data with the chosen settings.
        let all = Array(examples.indices)
        var vectorizer = TFIDFVectorizer(config: options.features)
        vectorizer.fit(examples.map(\.text))
        let allRows = rows(all, vectorizer)
        var fit = SoftmaxRegression.Options()
        fit.l2 = best!.l2
        fit.maxIterations = options.maxIterations
        var categoryModel = SoftmaxRegression(classes: categories.count, sparseDimension: vectorizer.dimension,
                                              denseDimension: useEmbeddings ? embeddings[0].count : 0)
        categoryModel.fit(allRows, labels: examples.map { labelIndex[$0.category]! }, options: fit)
        var priorityModel: SoftmaxRegression?
        if priorities.count >= 2 {
            let pIndex = Dictionary(uniqueKeysWithValues: priorities.enumerated().map { ($1, $0) })
            var model = SoftmaxRegression(classes: priorities.count, sparseDimension: vectorizer.dimension,
                                          denseDimension: useEmbeddings ? embeddings[0].count : 0)
            model.fit(prioritized.map { allRows[$0] }, labels: prioritized.map { pIndex[examples[$0].priority!]! },
                      options: fit)
            priorityModel = model
        }
        return Router(
            categories: categories, priorities: priorities, vectorizer: vectorizer, categoryModel: categoryModel,
            priorityModel: priorityModel, temperature: temperature, abstainBelow: options.abstainBelow,
            p1Threshold: p1Threshold, queueByCategory: [:], usesEmbeddings: useEmbeddings,
            validation: ValidationReport(n: validationIndices.count, accuracy: best!.accuracy, l2: best!.l2,
                                         expectedCalibrationErrorBefore: eceBefore,
                                         expectedCalibrationErrorAfter: eceAfter, p1Recall: p1Recall,
                                         p1Precision: p1Precision))
    }

    /// Routes a ticket; `embedding` is required when the router was trained with embeddings.
    public func route(_ text: String, embedding: [Float]? = nil) -> RoutingDecision {
        let row = FeatureRow(sparse: vectorizer.transform(text), dense: usesEmbeddings ? (embedding ?? []) : [])
        let probabilities = categoryModel.probabilities(row, temperature: temperature).map(Double.init)
        let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        let best = ranked[0]
        let abstained = probabilities[best] < abstainBelow
        var priority: Priority?, p1Probability: Double?
        if let priorityModel {
            let p = priorityModel.probabilities(row).map(Double.init)
            if let p1 = priorities.firstIndex(of: .p1) { p1Probability = p[p1] }
            if let p1Probability, let p1Threshold, p1Probability >= p1Threshold {
                priority = .p1
            } else {
                priority = priorities[p.indices.filter { priorities[$0] != .p1 }.max { p[$0] < p[$1] } ?? 0]
            }
        }
        let category = categories[best]
        return RoutingDecision(
            category: abstained ? nil : category, queue: abstained ? nil : (queueByCategory[category] ?? category),
            suggestedCategory: category, confidence: probabilities[best], abstained: abstained, priority: priority,
            p1Probability: p1Probability,
            top: ranked.prefix(3).map { LabelProbability(label: categories[$0], probability: probabilities[$0]) })
    }
}

func argmax(_ values: [Float]) -> Int {
    values.indices.max { values[$0] < values[$1] } ?? 0
}

/// Temperature scaling and its diagnostics.
public enum Calibration {
    /// The temperature minimising the negative log-likelihood (golden-section search on log T in [-3, 3]).
    public static func fitTemperature(logits: [[Float]], labels: [Int]) -> Float {
        guard !logits.isEmpty else { return 1 }
        func nll(_ logT: Double) -> Double {
            let t = Float(exp(logT))
            return zip(logits, labels).reduce(0.0) { sum, item in
                let p = SoftmaxRegression.softmax(item.0.map { $0 / t })
                return sum - Double(log(max(p[item.1], 1e-30)))
            }
        }
        var (a, b) = (-3.0, 3.0)
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<60 {
            let c = b - ratio * (b - a), d = a + ratio * (b - a)
            if nll(c) < nll(d) { b = d } else { a = c }
        }
        return Float(exp((a + b) / 2))
    }

    /// Expected calibration error over 10 equal-width confidence bins.
    public static func expectedCalibrationError(logits: [[Float]], labels: [Int], temperature: Float) -> Double {
        let predictions = zip(logits, labels).map { z, y -> (Double, Bool) in
            let p = SoftmaxRegression.softmax(z.map { $0 / temperature })
            let best = argmax(p)
            return (Double(p[best]), best == y)
        }
        return expectedCalibrationError(confidences: predictions.map(\.0), correct: predictions.map(\.1))
    }

    /// Expected calibration error over 10 equal-width bins of the top class's confidence and whether it was right.
    public static func expectedCalibrationError(confidences: [Double], correct: [Bool]) -> Double {
        guard !confidences.isEmpty else { return 0 }
        var bins = [(count: Int, confidence: Double, correct: Int)](repeating: (0, 0, 0), count: 10)
        for (confidence, right) in zip(confidences, correct) {
            let bin = min(9, Int(confidence * 10))
            bins[bin].count += 1
            bins[bin].confidence += confidence
            bins[bin].correct += right ? 1 : 0
        }
        let n = Double(confidences.count)
        return bins.filter { $0.count > 0 }.reduce(0) { sum, bin in
            sum + Double(bin.count) / n * abs(bin.confidence / Double(bin.count) - Double(bin.correct) / Double(bin.count))
        }
    }
}

/// A routing error with a message for people.
public struct RoutingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
