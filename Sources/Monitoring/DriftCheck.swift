/// One monitored quantity compared with its threshold.
public struct DriftCheck: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Within its threshold.
        case ok
        /// Beyond its threshold: an alert.
        case drift
        /// Not computable on these inputs (no labels, no router, too few texts); `detail` says why.
        case skipped
    }

    /// Stable name (`category`, `embedding`, ...), also the metric label.
    public var name: String
    /// The test or distance used (`chi-squared`, `jensen-shannon`, `domain-classifier-auc`, ...).
    public var method: String
    /// The statistic the threshold applies to (a p-value for tests, else a distance or an AUC); nil when skipped.
    public var value: Double?
    public var threshold: Double?
    /// True when `value` alarms by falling below `threshold` (p-values), false when by rising above it.
    public var alarmsBelow: Bool
    public var status: Status
    /// What was measured, in words and numbers a person can check.
    public var detail: String

    public init(name: String, method: String, value: Double, threshold: Double, alarmsBelow: Bool, detail: String) {
        self.name = name
        self.method = method
        self.value = value
        self.threshold = threshold
        self.alarmsBelow = alarmsBelow
        self.status = (alarmsBelow ? value < threshold : value >= threshold) ? .drift : .ok
        self.detail = detail
    }

    /// A check that could not run.
    public static func skipped(_ name: String, _ reason: String) -> DriftCheck {
        var check = DriftCheck(name: name, method: "-", value: 0, threshold: 1, alarmsBelow: false, detail: reason)
        check.value = nil
        check.threshold = nil
        check.status = .skipped
        return check
    }
}

/// Every check of one window against the reference.
public struct DriftReport: Codable, Sendable {
    public var referenceCount: Int
    public var windowCount: Int
    public var checks: [DriftCheck]
    /// Category shares side by side (labels, or the router's predictions), for plots; nil without categories.
    public var categories: CategoricalComparison?
    public var priorities: CategoricalComparison?
    public var languages: CategoricalComparison?

    /// True when any check is beyond its threshold.
    public var drifted: Bool { checks.contains { $0.status == .drift } }

    public func check(_ name: String) -> DriftCheck? { checks.first { $0.name == name } }
}
