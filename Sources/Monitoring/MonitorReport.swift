import Foundation

/// One run of `localtriage monitor`: drift checks and emerging themes of a window of tickets against a reference.
/// The latest run's files live in `<home>/monitor` (`report.json`, `report.html`, `metrics.prom`) and, copied by
/// the command, in the store, where every replica of the HTTP server reads them for /metrics and the analytics page.
public struct MonitorReport: Codable, Sendable {
    public var generatedAt: Date
    /// Where the reference came from (a file path).
    public var reference: String
    /// Where the window came from (a file path, or "store: tickets of the last N days").
    public var window: String
    public var router: String?
    public var drifted: Bool
    public var drift: DriftReport
    public var themes: ThemeReport

    public init(generatedAt: Date = Date(), reference: String, window: String, router: String?, drift: DriftReport,
                themes: ThemeReport) {
        self.generatedAt = generatedAt
        self.reference = reference
        self.window = window
        self.router = router
        self.drifted = drift.drifted
        self.drift = drift
        self.themes = themes
    }

    /// The folder of the latest run, as a path inside the home.
    public static let folder = "monitor"
    /// The names of the run's report and of its Prometheus values in that folder.
    public static let reportFile = "report.json", metricsFile = "metrics.prom"

    /// The folder of the latest run of a home.
    public static func directory(home: URL) -> URL { home.appendingPathComponent(folder) }

    /// The latest run of a home, or nil when the monitor has not run there.
    public static func latest(home: URL) -> MonitorReport? {
        (try? Data(contentsOf: directory(home: home).appendingPathComponent(reportFile))).flatMap(decode)
    }

    /// A report from the text of its `report.json`; nil when it is not one.
    public static func decode(_ data: Data) -> MonitorReport? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(MonitorReport.self, from: data)
    }

    /// Writes `report.json` and `metrics.prom` into `directory` (created if needed), each replaced atomically.
    public func save(in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.reportFile), options: .atomic)
        try prometheusText.write(to: directory.appendingPathComponent(Self.metricsFile), atomically: true, encoding: .utf8)
    }

    /// The latest run's key values in the Prometheus text format, or nil when the monitor has not run there.
    public static func latestMetrics(home: URL) -> String? {
        try? String(contentsOf: directory(home: home).appendingPathComponent(metricsFile), encoding: .utf8)
    }

    /// The key values in the Prometheus text format (a textfile collector, or the server's `/metrics`, serves
    /// the file as it is).
    public var prometheusText: String {
        var lines = [
            "# HELP localtriage_drift_check_value Statistic of each drift check (p-value, distance or AUC).",
            "# TYPE localtriage_drift_check_value gauge",
        ]
        let run = drift.checks.filter { $0.status != .skipped }
        for check in run { lines.append("localtriage_drift_check_value{check=\"\(check.name)\",method=\"\(check.method)\"} \(check.value!)") }
        lines += ["# HELP localtriage_drift_check_threshold Threshold of each drift check.",
                  "# TYPE localtriage_drift_check_threshold gauge"]
        for check in run { lines.append("localtriage_drift_check_threshold{check=\"\(check.name)\"} \(check.threshold!)") }
        lines += ["# HELP localtriage_drift_check_alert 1 when the check is beyond its threshold.",
                  "# TYPE localtriage_drift_check_alert gauge"]
        for check in run { lines.append("localtriage_drift_check_alert{check=\"\(check.name)\"} \(check.status == .drift ? 1 : 0)") }
        lines += [
            "# HELP localtriage_drift_alert 1 when any drift check is beyond its threshold.",
            "# TYPE localtriage_drift_alert gauge",
            "localtriage_drift_alert \(drift.drifted ? 1 : 0)",
            "# HELP localtriage_monitor_window_tickets Tickets in the monitored window.",
            "# TYPE localtriage_monitor_window_tickets gauge",
            "localtriage_monitor_window_tickets \(drift.windowCount)",
            "# HELP localtriage_emerging_themes Emerging themes found in the window.",
            "# TYPE localtriage_emerging_themes gauge",
            "localtriage_emerging_themes \(themes.themes.count)",
            "# HELP localtriage_monitor_last_run_timestamp_seconds When the monitor last ran (Unix time).",
            "# TYPE localtriage_monitor_last_run_timestamp_seconds gauge",
            "localtriage_monitor_last_run_timestamp_seconds \(Int(generatedAt.timeIntervalSince1970))",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
