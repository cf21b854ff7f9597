/// Thresholds of every drift check, in one place.
public struct DriftOptions: Codable, Sendable {
    /// Significance level of each statistical test. The monitor ORs about seven checks, so each uses 0.01
    /// rather than Evidently's per-column 0.05 (the false-alarm rate `eval drift` measures is overall).
    public var significance = 0.01
    /// At most this many rows in either sample: tests (chi-squared, KS); above: distances (JS, Wasserstein).
    public var smallSampleLimit = 1_000
    /// Jensen–Shannon distance (natural log) from which a large categorical sample counts as shifted.
    public var jensenShannonThreshold = 0.1
    /// Wasserstein distance divided by the reference's standard deviation, for large numeric samples.
    public var wassersteinThreshold = 0.1
    /// Cross-validated ROC AUC of the reference-vs-window classifier from which embeddings count as drifted.
    public var aucThreshold = 0.55
    /// Folds of that cross-validation.
    public var folds = 5
    /// At most this many reference rows enter the domain classifier (sampled, seeded).
    public var maxClassifierReference = 2_000
    /// Seed of every sample and fold assignment, so a report repeats exactly.
    public var seed: UInt64 = 7

    public init() {}
}
