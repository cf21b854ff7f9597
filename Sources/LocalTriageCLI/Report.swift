import Foundation

/// Prints a command's result: one JSON object on stdout with `--json`, a human table otherwise.
enum Report {
    /// Encodes `value` as a single JSON object on stdout.
    static func json<T: Encodable>(_ value: T) throws {
        FileHandle.standardOutput.write(try encoded(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// The JSON encoding reports use: sorted keys, ISO 8601 dates.
    static func encoded<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    /// Renders rows as an aligned plain-text table (first row is the header).
    static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.dropFirst().map(line)
        return out.joined(separator: "\n")
    }

    /// Writes a line to standard error (progress, warnings) so stdout stays clean for `--json`.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
