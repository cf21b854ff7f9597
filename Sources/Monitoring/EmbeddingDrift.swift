import Domain

/// Embedding drift by a domain classifier: if logistic regression can tell window embeddings from reference
/// ones, out of fold, with a ROC AUC clearly above 0.5, the texts moved. Catches shifts no single field shows.
public enum EmbeddingDrift {
    /// Out-of-fold ROC AUC of reference (negative) vs window (positive), k-fold, each class split evenly
    /// across folds. At most `options.maxClassifierReference` reference and window rows are used (sampled).
    public static func domainClassifierAUC(reference: [[Float]], window: [[Float]], options: DriftOptions) -> Double {
        var random = SeededRandom(seed: options.seed)
        let limit = options.maxClassifierReference
        let ref = reference.count > limit ? Array(reference.shuffled(using: &random).prefix(limit)) : reference
        let win = window.count > limit ? Array(window.shuffled(using: &random).prefix(limit)) : window
        let vectors = ref + win
        let labels = ref.map { _ in false } + win.map { _ in true }
        let folds = max(2, options.folds)
        var fold = [Int](repeating: 0, count: vectors.count)
        for range in [0..<ref.count, ref.count..<vectors.count] {
            for (k, i) in Array(range).shuffled(using: &random).enumerated() { fold[i] = k % folds }
        }
        var scores = [Double](repeating: 0, count: vectors.count)
        for f in 0..<folds {
            let train = vectors.indices.filter { fold[$0] != f }, test = vectors.indices.filter { fold[$0] == f }
            guard !test.isEmpty else { continue }
            let model = LogisticRegression.fit(DenseMatrix(train.map { vectors[$0] }), train.map { labels[$0] })
            for (i, score) in zip(test, model.scores(DenseMatrix(test.map { vectors[$0] }))) { scores[i] = score }
        }
        return ROCAUC.auc(scores: scores, labels: labels)
    }

    /// The check: drift when the AUC reaches `options.aucThreshold`.
    public static func check(reference: [[Float]], window: [[Float]], options: DriftOptions) -> DriftCheck {
        guard reference.count >= 2 * options.folds, window.count >= 2 * options.folds else {
            return .skipped("embedding", "too few embedded texts for \(options.folds)-fold cross-validation")
        }
        let auc = domainClassifierAUC(reference: reference, window: window, options: options)
        return DriftCheck(
            name: "embedding", method: "domain-classifier-auc", value: auc, threshold: options.aucThreshold,
            alarmsBelow: false,
            detail: String(format: "logistic regression reference vs window, %d-fold out-of-fold ROC AUC %.3f",
                           options.folds, auc))
    }
}
