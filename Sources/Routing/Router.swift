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
    /// Why the router abstained; nil when it did not.
    public var abstainReason: AbstainReason?
    /// Cosine similarity of the ticket to the nearest training example, when the router checks familiarity.
    public var familiarity: Double?
    public var priority: Priority?
    public var p1Probability: Double?
    /// The three most likely categories with their calibrated probabilities.
    public var top: [LabelProbability]

    /// A sentence for the agent saying why the router left the ticket to them; nil when it did not.
    public var abstainExplanation: String?

    static func explanation(_ reason: AbstainReason?, top: [LabelProbability]) -> String? {
        switch reason {
        case .unfamiliar?:
            return "unlike the tickets the router was trained on: it may be a kind of ticket no category covers"
        case .uncertain?:
            let close = top.prefix(2).map { "\($0.label) (\(Int(($0.probability * 100).rounded()))%)" }
            return "no category is likely enough: " + close.joined(separator: " vs ")
        case nil:
            return nil
        }
    }
}

/// Why the router left a ticket to a person.
public enum AbstainReason: String, Codable, Sendable {
    /// Less like the training data than nearly every ticket of a known category: no category may fit.
    case unfamiliar
    /// Familiar, but no category is likely enough: two or more are close.
    case uncertain
}

public struct LabelProbability: Codable, Sendable, Equatable {
    public var label: String
    public var probability: Double
}

/// Training settings of the router.
public struct RouterOptions: Codable, Sendable {
    public var features = FeatureConfig()
    /// L2 strengths tried on held-out predictions; the best by accuracy is kept.
    public var l2Grid: [Float] = [3e-6, 1e-5, 3e-5, 1e-4]
    /// Append the sentence embedding (all-MiniLM-L6-v2) to the TF-IDF features.
    public var useEmbeddings = true
    /// Training sets smaller than this are cross-validated (`folds` folds) to choose λ and to calibrate: every
    /// example is predicted once by a model that did not see it. Larger sets hold out `validationShare` once.
    public var crossValidateBelow = 4_000
    public var folds = 5
    /// Share of the data held out for choosing λ, calibrating and tuning thresholds (large training sets).
    public var validationShare = 0.15
    /// Below this calibrated confidence the router abstains.
    public var abstainBelow = 0.5
    /// Check each ticket's similarity to the training examples and abstain on unfamiliar ones (needs embeddings).
    public var detectUnfamiliar = true
    /// The share of tickets of known categories the familiarity check may call unfamiliar: the threshold is this
    /// quantile of the training examples' leave-one-out nearest-neighbour similarities.
    public var unfamiliarShare = 0.05
    /// Weights tried for blending the embedding-centroid classifier into the linear model's probabilities
    /// (chosen by held-out log-likelihood; 0 keeps the linear model alone).
    public var centroidWeights: [Double] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
    /// The P1 threshold is the highest one reaching this recall on held-out predictions.
    public var p1TargetRecall = 0.9
    public var maxIterations = 300

    public init() {}
}

/// Routes tickets: category (and its queue) with a calibrated confidence and an abstain threshold, and priority
/// with a recall-tuned P1 detector. Labels are only ever ones seen in training. With sentence embeddings it also
/// blends in a nearest-centroid classifier (strong on classes with few examples) and abstains on tickets unlike
/// any it was trained on.
public struct Router: Codable, Sendable {
    public var categories: [String]
    public var priorities: [Priority]
    public var vectorizer: TFIDFVectorizer
    public var categoryModel: SoftmaxRegression
    public var priorityModel: SoftmaxRegression?
    /// Softmax temperature fitted on held-out predictions (NLL).
    public var temperature: Float
    public var abstainBelow: Double
    public var p1Threshold: Double?
    public var queueByCategory: [String: String]
    public var usesEmbeddings: Bool
    /// The embedding-centroid classifier and its weight in the blend (nil or 0: the linear model alone).
    public var centroids: CentroidClassifier?
    public var centroidWeight: Double?
    /// The familiarity check; nil when the router does not check it (no embeddings, or not asked).
    public var familiarity: Familiarity?
    public var validation: ValidationReport

    /// Metrics on held-out predictions (cross-validated or one split), measured before the final refit on all data.
    public struct ValidationReport: Codable, Sendable, Equatable {
        public var n: Int
        public var accuracy: Double
        public var l2: Float
        public var expectedCalibrationErrorBefore: Double
        public var expectedCalibrationErrorAfter: Double
        public var p1Recall: Double?
        public var p1Precision: Double?
        /// Folds of the cross-validation; 1 for a single held-out split.
        public var folds: Int?
        /// Accuracy of the blended probabilities (linear model and centroids) on the same held-out predictions.
        public var blendedAccuracy: Double?
    }

    /// The held-out parts: each example in at most one; an example of a class with one example is never held out.
    static func validationFolds(_ examples: [RoutingExample], categories: [String], options: RouterOptions) -> [[Int]] {
        let crossValidate = examples.count < options.crossValidateBelow && options.folds >= 2
        var folds = [[Int]](repeating: [], count: crossValidate ? options.folds : 1)
        for (c, category) in categories.enumerated() {
            let members = examples.indices.filter { examples[$0].category == category }
                .sorted { ContentHash.sha256(examples[$0].text + "\($0)") < ContentHash.sha256(examples[$1].text + "\($1)") }
            guard members.count >= 2 else { continue }
            if crossValidate {
                for (j, member) in members.enumerated() { folds[(j + c) % folds.count].append(member) }
            } else {
                folds[0] += members.prefix(max(1, Int((Double(members.count) * options.validationShare).rounded())))
            }
        }
        return folds.filter { !$0.isEmpty }
    }

    /// Trains on `examples`; `embed` supplies sentence embeddings when `options.useEmbeddings`.
    public static func train(_ examples: [RoutingExample], options: RouterOptions = RouterOptions(),
                             embed: (([String]) throws -> [[Float]])? = nil) throws -> Router {
        guard examples.count >= 10 else { throw RoutingError("need at least 10 labelled examples, got \(examples.count)") }
        let categories = Array(Set(examples.map(\.category))).sorted()
        guard categories.count >= 2 else { throw RoutingError("need at least 2 categories") }
        let useEmbeddings = options.useEmbeddings && embed != nil
        let embeddings = useEmbeddings ? try embed!(examples.map(\.text)) : []
        let denseDimension = useEmbeddings ? embeddings[0].count : 0
        let labelIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        let labels = examples.map { labelIndex[$0.category]! }
        func rows(_ indices: [Int], _ vectorizer: TFIDFVectorizer) -> [FeatureRow] {
            indices.map { FeatureRow(sparse: vectorizer.transform(examples[$0].text), dense: useEmbeddings ? embeddings[$0] : []) }
        }
        func fitOptions(_ l2: Float) -> SoftmaxRegression.Options {
            var fit = SoftmaxRegression.Options()
            fit.l2 = l2
            fit.maxIterations = options.maxIterations
            return fit
        }

        // 1. Held-out predictions: each fold's model is fitted without it, on features fitted without it.
        struct Fold {
            var held: [Int], kept: [Int]
            var vectorizer: TFIDFVectorizer
            var keptRows: [FeatureRow], heldRows: [FeatureRow]
        }
        let folds = validationFolds(examples, categories: categories, options: options).map { held -> Fold in
            let heldSet = Set(held)
            let kept = examples.indices.filter { !heldSet.contains($0) }
            var vectorizer = TFIDFVectorizer(config: options.features)
            vectorizer.fit(kept.map { examples[$0].text })
            return Fold(held: held, kept: kept, vectorizer: vectorizer,
                        keptRows: rows(kept, vectorizer), heldRows: rows(held, vectorizer))
        }
        let held = folds.flatMap(\.held)
        let heldLabels = held.map { labels[$0] }
        // The grid strongest λ first, each fold's fit warm-started from its fit at the previous λ (the optimum moves
        // little between neighbouring λs); ties in accuracy go to the λ listed first in the grid.
        var best: (l2: Float, accuracy: Double, logits: [[Float]], models: [SoftmaxRegression], rank: Int)?
        var models = folds.map {
            SoftmaxRegression(classes: categories.count, sparseDimension: $0.vectorizer.dimension, denseDimension: denseDimension)
        }
        let grid = options.l2Grid.enumerated().sorted { ($0.element, $1.offset) > ($1.element, $0.offset) }
        for (rank, l2) in grid {
            var logits: [[Float]] = []
            for (f, fold) in folds.enumerated() {
                models[f].fit(fold.keptRows, labels: fold.kept.map { labels[$0] }, options: fitOptions(l2))
                logits += fold.heldRows.map { models[f].logits($0) }
            }
            let correct = zip(logits, heldLabels).filter { argmax($0) == $1 }.count
            let accuracy = held.isEmpty ? 0 : Double(correct) / Double(held.count)
            if best == nil || accuracy > best!.accuracy || (accuracy == best!.accuracy && rank < best!.rank) {
                best = (l2, accuracy, logits, models, rank)
            }
        }
        let l2 = best!.l2
        let temperature = Calibration.fitTemperature(logits: best!.logits, labels: heldLabels)
        let eceBefore = Calibration.expectedCalibrationError(logits: best!.logits, labels: heldLabels, temperature: 1)

        // 2. The centroid blend, chosen on the same held-out predictions.
        var linear = best!.logits.map { SoftmaxRegression.softmax($0.map { $0 / temperature }) }
        var centroidWeight = 0.0, centroidScale: Float = 20
        if useEmbeddings, !held.isEmpty, options.centroidWeights.contains(where: { $0 > 0 }) {
            var similarities: [[Float]] = []
            for fold in folds {
                let centroids = CentroidClassifier(embeddings: fold.kept.map { embeddings[$0] },
                                                   labels: fold.kept.map { labels[$0] }, classes: categories.count)
                similarities += fold.held.map { centroids.similarities(embeddings[$0]) }
            }
            centroidScale = 1 / Calibration.fitTemperature(logits: similarities, labels: heldLabels)
            let nearest = similarities.map { SoftmaxRegression.softmax($0.map { $0 * centroidScale }) }
            func logLoss(_ w: Double) -> Double {
                zip(zip(linear, nearest), heldLabels).reduce(0) { sum, item in
                    sum - log(max((1 - w) * Double(item.0.0[item.1]) + w * Double(item.0.1[item.1]), 1e-12))
                }
            }
            centroidWeight = options.centroidWeights.min { logLoss($0) < logLoss($1) } ?? 0
            linear = zip(linear, nearest).map { p, q in zip(p, q).map { Float((1 - centroidWeight) * Double($0) + centroidWeight * Double($1)) } }
        }
        let blendedCorrect = zip(linear, heldLabels).filter { argmax($0) == $1 }.count
        let eceAfter = Calibration.expectedCalibrationError(
            confidences: linear.map { Double($0.max() ?? 0) }, correct: zip(linear, heldLabels).map { argmax($0) == $1 })

        // 3. Priority on the same folds: the P1 threshold for the target recall.
        let prioritized = examples.indices.filter { examples[$0].priority != nil }
        let priorities = Array(Set(prioritized.compactMap { examples[$0].priority })).sorted()
        var p1Threshold: Double?, p1Recall: Double?, p1Precision: Double?
        if priorities.count >= 2, priorities.contains(.p1) {
            let pIndex = Dictionary(uniqueKeysWithValues: priorities.enumerated().map { ($1, $0) })
            var scored: [(Double, Bool)] = []
            for fold in folds {
                let keptP = fold.kept.indices.filter { examples[fold.kept[$0]].priority != nil }
                guard Set(keptP.map { examples[fold.kept[$0]].priority! }).count >= 2 else { continue }
                var model = SoftmaxRegression(classes: priorities.count, sparseDimension: fold.vectorizer.dimension,
                                              denseDimension: denseDimension)
                model.fit(keptP.map { fold.keptRows[$0] }, labels: keptP.map { pIndex[examples[fold.kept[$0]].priority!]! },
                          options: fitOptions(l2))
                for (row, index) in zip(fold.heldRows, fold.held) where examples[index].priority != nil {
                    scored.append((Double(model.probabilities(row)[pIndex[.p1]!]), examples[index].priority == .p1))
                }
            }
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

        // 4. Refit everything on all the data with the chosen settings.
        var vectorizer = TFIDFVectorizer(config: options.features)
        vectorizer.fit(examples.map(\.text))
        let allRows = rows(Array(examples.indices), vectorizer)
        var categoryModel = SoftmaxRegression(classes: categories.count, sparseDimension: vectorizer.dimension,
                                              denseDimension: denseDimension)
        if let first = folds.first, let solution = best!.models.first {
            // Warm start from the first fold's solution at the chosen λ, its features moved to the full vocabulary.
            let featureMap = first.vectorizer.vocabulary.sorted { $0.value < $1.value }
                .map { term, _ in vectorizer.vocabulary[term].map(Int.init) ?? -1 }
            categoryModel = solution.remapped(sparseDimension: vectorizer.dimension, featureMap: featureMap)
        }
        categoryModel.fit(allRows, labels: labels, options: fitOptions(l2))
        var priorityModel: SoftmaxRegression?
        if priorities.count >= 2 {
            let pIndex = Dictionary(uniqueKeysWithValues: priorities.enumerated().map { ($1, $0) })
            var model = SoftmaxRegression(classes: priorities.count, sparseDimension: vectorizer.dimension,
                                          denseDimension: denseDimension)
            model.fit(prioritized.map { allRows[$0] }, labels: prioritized.map { pIndex[examples[$0].priority!]! },
                      options: fitOptions(l2))
            priorityModel = model
        }
        var centroids: CentroidClassifier?
        if useEmbeddings && centroidWeight > 0 {
            centroids = CentroidClassifier(embeddings: embeddings, labels: labels, classes: categories.count, scale: centroidScale)
        }
        // References in the folds' deterministic order, so the per-class cap keeps the same examples every time.
        let heldSet = Set(held)
        let order = held + examples.indices.filter { !heldSet.contains($0) }
        let familiarity = useEmbeddings && options.detectUnfamiliar
            ? Familiarity(embeddings: order.map { embeddings[$0] }, labels: order.map { labels[$0] },
                          falseAlarmShare: options.unfamiliarShare)
            : nil
        return Router(
            categories: categories, priorities: priorities, vectorizer: vectorizer, categoryModel: categoryModel,
            priorityModel: priorityModel, temperature: temperature, abstainBelow: options.abstainBelow,
            p1Threshold: p1Threshold, queueByCategory: [:], usesEmbeddings: useEmbeddings, centroids: centroids,
            centroidWeight: centroids == nil ? nil : centroidWeight, familiarity: familiarity,
            validation: ValidationReport(n: held.count, accuracy: best!.accuracy, l2: l2,
                                         expectedCalibrationErrorBefore: eceBefore,
                                         expectedCalibrationErrorAfter: eceAfter, p1Recall: p1Recall,
                                         p1Precision: p1Precision, folds: folds.count,
                                         blendedAccuracy: held.isEmpty ? nil : Double(blendedCorrect) / Double(held.count)))
    }

    /// The router's scores for one ticket, before any decision: what `route` decides from, and what evaluations
    /// compare.
    public struct Assessment: Sendable {
        /// Calibrated (and blended) probability of each category, in `categories` order.
        public var probabilities: [Double]
        /// The linear model's raw class scores.
        public var logits: [Float]
        /// Similarity to the nearest training example (nil without a familiarity check).
        public var familiarity: Double?
        /// Cosine similarity to the nearest category centroid (nil unless the centroid blend was chosen).
        public var nearestCentroid: Double?
    }

    /// Scores a ticket; `embedding` is required when the router was trained with embeddings.
    public func assess(_ text: String, embedding: [Float]? = nil) -> Assessment {
        assess(features(text, embedding: embedding), embedding: embedding)
    }

    private func features(_ text: String, embedding: [Float]?) -> FeatureRow {
        FeatureRow(sparse: vectorizer.transform(text), dense: usesEmbeddings ? (embedding ?? []) : [])
    }

    private func assess(_ row: FeatureRow, embedding: [Float]?) -> Assessment {
        let logits = categoryModel.logits(row)
        var probabilities = SoftmaxRegression.softmax(logits.map { $0 / temperature }).map(Double.init)
        var nearestCentroid: Double?
        if let embedding, let centroids {
            let similarities = centroids.similarities(embedding)
            nearestCentroid = similarities.max().map(Double.init)
            if let weight = centroidWeight, weight > 0 {
                let q = SoftmaxRegression.softmax(similarities.map { $0 * centroids.scale })
                probabilities = zip(probabilities, q).map { (1 - weight) * $0 + weight * Double($1) }
            }
        }
        return Assessment(probabilities: probabilities, logits: logits,
                          familiarity: embedding.flatMap { e in familiarity.map { Double($0.similarity(e)) } },
                          nearestCentroid: nearestCentroid)
    }

    /// Routes a ticket; `embedding` is required when the router was trained with embeddings.
    public func route(_ text: String, embedding: [Float]? = nil) -> RoutingDecision {
        let row = features(text, embedding: embedding)
        let assessment = assess(row, embedding: embedding)
        let probabilities = assessment.probabilities
        let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        let best = ranked[0]
        var reason: AbstainReason?
        if let similarity = assessment.familiarity, let familiarity, similarity < Double(familiarity.threshold) {
            reason = .unfamiliar
        } else if probabilities[best] < abstainBelow {
            reason = .uncertain
        }
        let abstained = reason != nil
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
        let top = ranked.prefix(3).map { LabelProbability(label: categories[$0], probability: probabilities[$0]) }
        return RoutingDecision(
            category: abstained ? nil : category, queue: abstained ? nil : (queueByCategory[category] ?? category),
            suggestedCategory: category, confidence: probabilities[best], abstained: abstained, abstainReason: reason,
            familiarity: assessment.familiarity, priority: priority, p1Probability: p1Probability, top: top,
            abstainExplanation: RoutingDecision.explanation(reason, top: top))
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
