import Foundation
import Monitoring

/// The monitor's self-contained HTML report: the checks, distribution plots and emerging themes.
public enum MonitorReportPage {
    public static func render(_ output: MonitorReport, referenceSample: MonitorSample, windowSample: MonitorSample,
                       windowConfidences: [Double]?) -> String {
        let drift = output.drift
        var body = "<h1>LocalTriage monitor</h1>"
        body += "<p>Reference <code>\(HTML.escape(output.reference))</code> (n = \(drift.referenceCount)), window "
            + "<code>\(HTML.escape(output.window))</code> (n = \(drift.windowCount))"
            + (output.router.map { ", router <code>\(HTML.escape($0))</code>" } ?? ", no router") + ".</p>"
        body += output.drifted
            ? "<p class=\"drift\">Drift: at least one check is beyond its threshold.</p>"
            : "<p class=\"ok\">No check is beyond its threshold.</p>"
        body += "<table><tr><th>check</th><th>method</th><th>value</th><th>threshold</th><th>status</th><th>detail</th></tr>"
        for check in drift.checks {
            let value = check.value.map { String(format: "%.4g", $0) } ?? "–"
            let threshold = check.threshold.map { (check.alarmsBelow ? "&lt; " : "≥ ") + String(format: "%.4g", $0) } ?? "–"
            body += "<tr class=\"\(check.status.rawValue)\"><td>\(check.name)</td><td>\(HTML.escape(check.method))</td>"
                + "<td>\(value)</td><td>\(threshold)</td><td>\(check.status.rawValue)</td><td>\(HTML.escape(check.detail))</td></tr>"
        }
        body += "</table><h2>Distributions</h2>"
        for (title, table) in [("Category", drift.categories), ("Priority", drift.priorities), ("Language", drift.languages)] {
            guard let table else { continue }
            // The 25 categories that moved most.
            let rows = table.rows.sorted {
                abs(table.windowShare($0) - table.referenceShare($0)) > abs(table.windowShare($1) - table.referenceShare($1))
            }.prefix(25)
            body += "<figure>" + SVGChart.pairedBars("\(title) share (the \(rows.count) that moved most)",
                                                     labels: rows.map(\.category), reference: rows.map(table.referenceShare),
                                                     window: rows.map(table.windowShare)) + "</figure>"
        }
        if let windowConfidences {
            body += "<figure>" + SVGChart.histogram("Router confidence", reference: referenceSample.confidences ?? [],
                                                    window: windowConfidences, range: 0...1) + "</figure>"
        }
        let lengths = { (s: MonitorSample) in s.texts.map { Double(min(TextChecks.wordCount($0), 100)) } }
        body += "<figure>" + SVGChart.histogram("Words per text (capped at 100)", reference: lengths(referenceSample),
                                                window: lengths(windowSample)) + "</figure>"
        body += "<h2>Emerging themes</h2><p>\(output.themes.themes.count) of \(output.themes.clusters) clusters "
            + "(window and \(output.themes.referenceClustered) reference texts clustered together) grew at least threefold.</p>"
        if !output.themes.themes.isEmpty {
            body += "<table><tr><th>kind</th><th>terms</th><th>window</th><th>reference</th><th>growth</th><th>examples</th></tr>"
            for theme in output.themes.themes {
                body += "<tr><td>\(theme.kind.rawValue)</td><td>\(HTML.escape(theme.terms.joined(separator: ", ")))</td>"
                    + String(format: "<td>%d (%.1f%%)</td><td>%d (%.1f%%)</td><td>×%.1f</td>", theme.windowCount,
                             100 * theme.windowShare, theme.referenceCount, 100 * theme.referenceShare, theme.growth)
                    + "<td><ul>" + theme.examples.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></td></tr>"
            }
            body += "</table>"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>LocalTriage monitor</title>
            <style>
            body { font-family: sans-serif; margin: 2em; max-width: 1100px; }
            table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
            tr.drift td { background: #fde0dc; } tr.skipped td { color: #888; }
            p.drift { color: #b00; font-weight: bold; } p.ok { color: #070; font-weight: bold; }
            figure { margin: 1em 0; }
            </style></head><body>
            \(body)
            </body></html>

            """
    }
}
