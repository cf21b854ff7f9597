import Foundation

/// The baseline router results are reported beside: word TF-IDF and logistic regression with scikit-learn's
/// defaults (unigrams, smoothed idf, L2-normalised rows; C = 1, no class weights, no calibration), abstaining
/// when the top probability is below a fixed threshold.
public struct PlainBaseline: Sendable {
    public let categories: [String]
    let vectorizer: TFIDFVectorizer
    let model: SoftmaxRegression
    public let abstainBelow: Double

    public init(training examples: [RoutingExample], abstainBelow: Double = 0.5) {
        categories = Array(Set(examples.map(\.category))).sorted()
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        var config = FeatureConfig()
        (config.wordNGrams, config.charNGramMin, config.charNGramMax, config.sublinearTF) = (1, 0, 0, false)
        var vectorizer = TFIDFVectorizer(config: config)
        vectorizer.fit(examples.map(\.text))
        var model = SoftmaxRegression(classes: categories.count, sparseDimension: vectorizer.dimension, denseDimension: 0)
        var fit = SoftmaxRegression.Options()
        fit.l2 = 1 / Float(examples.count)  // C = 1: ½‖w‖² + C·Σ loss, divided by n
        fit.balanced = false
        model.fit(examples.map { FeatureRow(sparse: vectorizer.transform($0.text)) },
                  labels: examples.map { index[$0.category]! }, options: fit)
        (self.vectorizer, self.model, self.abstainBelow) = (vectorizer, model, abstainBelow)
    }

    /// The most likely category, its probability, and whether that is below the threshold.
    public func route(_ text: String) -> (category: String, confidence: Double, abstained: Bool) {
        let p = model.probabilities(FeatureRow(sparse: vectorizer.transform(text)))
        let best = argmax(p)
        return (categories[best], Double(p[best]), Double(p[best]) < abstainBelow)
    }
}
