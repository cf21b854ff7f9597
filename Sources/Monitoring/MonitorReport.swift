import Monitoring

/// The monitor's key values in the Prometheus text format (a textfile collector, or a `/metrics` endpoint,
/// serves the file as it is).
enum MonitorMetrics {
    static func text(drift: DriftReport, themes: ThemeReport) -> String {
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
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
