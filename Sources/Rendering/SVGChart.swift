import Foundation

/// Small server-side SVG charts: counts as bars, and a reference beside a window (no scripts, no external assets).
public enum SVGChart {
    static let referenceColour = "#8da0cb", windowColour = "#fc8d62"

    /// One horizontal bar per label, its count beside it (styled by the page's `svg.bars` rules); a note when
    /// there is nothing to draw.
    public static func bars(_ counts: [(label: String, count: Int)]) -> String {
        guard !counts.isEmpty else { return "<p class=\"muted\">No data yet.</p>" }
        let top = max(1, counts.map(\.count).max()!)
        let bars = counts.enumerated().map { i, c in
            let width = 360.0 * Double(c.count) / Double(top), y = i * 22
            return """
                <text x="0" y="\(y + 15)">\(HTML.escape(String(c.label.prefix(28))))</text>\
                <rect x="200" y="\(y + 3)" width="\(String(format: "%.1f", width))" height="16"></rect>\
                <text x="\(String(format: "%.1f", 205 + width))" y="\(y + 15)">\(c.count)</text>
                """
        }.joined()
        return "<svg class=\"bars\" role=\"img\" width=\"620\" height=\"\(counts.count * 22 + 6)\" xmlns=\"http://www.w3.org/2000/svg\">\(bars)</svg>"
    }

    /// Horizontal bars, a reference and a window bar per label (values are shares, 0...1).
    public static func pairedBars(_ title: String, labels: [String], reference: [Double], window: [Double]) -> String {
        let rowHeight = 22.0, labelWidth = 210.0, barWidth = 420.0, top = 40.0
        let height = top + rowHeight * Double(labels.count) + 10
        let scale = barWidth / max(reference.max() ?? 0, window.max() ?? 0, 1e-9)
        var svg = header(title, width: labelWidth + barWidth + 70, height: height)
        for (i, label) in labels.enumerated() {
            let y = top + rowHeight * Double(i)
            svg += text(x: labelWidth - 6, y: y + 14, String(label.prefix(32)), anchor: "end")
            svg += rect(x: labelWidth, y: y + 2, width: reference[i] * scale, height: 8, colour: referenceColour)
            svg += rect(x: labelWidth, y: y + 10, width: window[i] * scale, height: 8, colour: windowColour)
            svg += text(x: labelWidth + max(reference[i], window[i]) * scale + 4, y: y + 14,
                        String(format: "%.1f%% / %.1f%%", 100 * reference[i], 100 * window[i]), anchor: "start")
        }
        return svg + "</svg>"
    }

    /// Histogram of two samples over shared bins, as shares of each sample.
    public static func histogram(_ title: String, reference: [Double], window: [Double], bins: Int = 20,
                          range: ClosedRange<Double>? = nil) -> String {
        let all = reference + window
        let low = range?.lowerBound ?? all.min() ?? 0, high = max(range?.upperBound ?? all.max() ?? 1, low + 1e-9)
        func shares(_ values: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for v in values { counts[min(bins - 1, max(0, Int((v - low) / (high - low) * Double(bins))))] += 1 }
            return counts.map { $0 / Double(max(values.count, 1)) }
        }
        let r = shares(reference), w = shares(window)
        let width = 640.0, height = 220.0, left = 40.0, top = 40.0, plotHeight = 150.0
        let binWidth = (width - left - 10) / Double(bins), scale = plotHeight / max(r.max() ?? 0, w.max() ?? 0, 1e-9)
        var svg = header(title, width: width, height: height)
        for i in 0..<bins {
            let x = left + binWidth * Double(i)
            svg += rect(x: x + 1, y: top + plotHeight - r[i] * scale, width: binWidth / 2 - 1, height: r[i] * scale, colour: referenceColour)
            svg += rect(x: x + binWidth / 2, y: top + plotHeight - w[i] * scale, width: binWidth / 2 - 1, height: w[i] * scale, colour: windowColour)
        }
        svg += text(x: left, y: top + plotHeight + 16, String(format: "%.3g", low), anchor: "start")
        svg += text(x: width - 10, y: top + plotHeight + 16, String(format: "%.3g", high), anchor: "end")
        return svg + "</svg>"
    }

    private static func header(_ title: String, width: Double, height: Double) -> String {
        String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">", width, height)
            + text(x: 4, y: 14, title, anchor: "start", bold: true)
            + rect(x: 4, y: 22, width: 10, height: 8, colour: referenceColour) + text(x: 18, y: 30, "reference", anchor: "start")
            + rect(x: 84, y: 22, width: 10, height: 8, colour: windowColour) + text(x: 98, y: 30, "window", anchor: "start")
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, colour: String) -> String {
        String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"/>", x, y, max(0, width), max(0, height), colour)
    }

    private static func text(x: Double, y: Double, _ content: String, anchor: String, bold: Bool = false) -> String {
        String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%@\"%@>", x, y, anchor, bold ? " font-weight=\"bold\"" : "")
            + HTML.escape(content) + "</text>"
    }
}
