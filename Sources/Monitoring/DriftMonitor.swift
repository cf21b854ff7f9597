/// One side of a comparison: texts and whatever is known about them. Optional parts skip their checks.
public struct MonitorSample: Sendable {
    public var texts: [String]
    /// Unit-length sentence embeddings, one per text (empty: no embedding check).
    public var embeddings: [[Float]]
    /// A category per text: labels, or the router's predictions (the same kind on both sides).
    public var categories: [String]?
    public var priorities: [String]?
    /// The router's confidence and abstention per text.
    public var confidences: [Double]?
    public var abstained: [Bool]?

    public init(texts: [String], embeddings: [[Float]] = [], categories: [String]? = nil, priorities: [String]? = nil,
                confidences: [Double]? = nil, abstained: [Bool]? = nil) {
        self.texts = texts
        self.embeddings = embeddings
        self.categories = categories
        self.priorities = priorities
        self.confidences = confidences
        self.abstained = abstained
    }
}

/// Runs every drift and data-quality check of a window against the reference.
public enum DriftMonitor {
    public static func report(reference: MonitorSample, window: MonitorSample, options: DriftOptions = DriftOptions()) -> DriftReport {
        var checks: [DriftCheck] = []
        var report = DriftReport(referenceCount: reference.texts.count, windowCount: window.texts.count, checks: [])

        if let r = reference.categories, let w = window.categories {
            report.categories = CategoricalComparison(reference: r, window: w)
            checks.append(DistributionShift.check("category", report.categories!, options: options))
        } else {
            checks.append(.skipped("category", "no categories on both sides (labels, or a router to predict them)"))
        }
        if let r = reference.priorities, let w = window.priorities, !r.isEmpty, !w.isEmpty {
            report.priorities = CategoricalComparison(reference: r, window: w)
            checks.append(DistributionShift.check("priority", report.priorities!, options: options))
        } else {
            checks.append(.skipped("priority", "no priorities on both sides"))
        }
        if let r = reference.confidences, let w = window.confidences {
            checks.append(ConfidenceDrift.confidenceCheck(reference: r, window: w, options: options))
        } else {
            checks.append(.skipped("confidence", "no router"))
        }
        if let r = reference.abstained, let w = window.abstained {
            checks.append(ConfidenceDrift.abstainCheck(reference: r, window: w, options: options))
        } else {
            checks.append(.skipped("abstain", "no router"))
        }
        if !reference.embeddings.isEmpty, !window.embeddings.isEmpty {
            checks.append(EmbeddingDrift.check(reference: reference.embeddings, window: window.embeddings, options: options))
        } else {
            checks.append(.skipped("embedding", "no embeddings"))
        }
        let text = TextChecks.checks(reference: reference.texts, window: window.texts, options: options)
        checks += text.checks
        report.languages = text.languages
        report.checks = checks
        return report
    }
}
