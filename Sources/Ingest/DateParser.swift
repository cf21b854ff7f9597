import Foundation

/// Parses the timestamp forms support exports use: ISO 8601 (with or without fraction and zone),
/// `yyyy-MM-dd HH:mm[:ss]`, `yyyy/MM/dd`, a bare date, or Unix seconds. Times without a zone are UTC.
public struct DateParser: Sendable {
    public init() {}

    public func parse(_ raw: String) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.allSatisfy(\.isNumber), text.count >= 9, text.count <= 10, let seconds = TimeInterval(text) {
            return Date(timeIntervalSince1970: seconds)
        }
        for style in Self.isoStyles {
            if let date = try? Date(text, strategy: style) { return date }
        }
        for format in Self.formats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            formatter.isLenient = false
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    private static let isoStyles: [Date.ISO8601FormatStyle] = [
        .iso8601,
        Date.ISO8601FormatStyle(includingFractionalSeconds: true),
    ]

    private static let formats = [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ssZZZZZ", "yyyy-MM-dd", "yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd",
    ]
}
