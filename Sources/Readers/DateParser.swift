import Foundation

/// Parses the timestamp forms support exports use: ISO 8601 / RFC 3339 (`2026-10-01T09:30:00Z`, with optional
/// fraction and `±hh:mm` offset), `yyyy-MM-dd HH:mm[:ss]`, `yyyy/MM/dd`, a bare date, or Unix seconds.
/// Times without a zone are UTC. Pure arithmetic: no formatter objects on the ingest hot path.
public struct DateParser: Sendable {
    public init() {}

    public func parse(_ raw: String) -> Date? {
        let s = Array(raw.trimmingCharacters(in: .whitespaces).utf8)
        guard !s.isEmpty else { return nil }
        if s.allSatisfy({ $0 >= 48 && $0 <= 57 }), (9...10).contains(s.count) {
            return Date(timeIntervalSince1970: TimeInterval(Int(String(decoding: s, as: UTF8.self))!))
        }
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var value = 0
            for b in s[i..<(i + digits)] {
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            i += digits
            return value
        }
        func take(_ c: Character) -> Bool {
            guard i < s.count, s[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4) else { return nil }
        let separator: Character = take("-") ? "-" : (take("/") ? "/" : " ")
        guard separator != " ", let month = number(2), take(separator), let day = number(2),
              (1...12).contains(month), (1...Self.daysIn(month, year)).contains(day) else { return nil }
        var seconds = 0.0
        if i < s.count {
            guard take("T") || take(" "), let hour = number(2), take(":"), let minute = number(2),
                  hour < 24, minute < 60 else { return nil }
            var second = 0.0
            if take(":") {
                guard let whole = number(2), whole < 61 else { return nil }
                second = Double(whole)
                if take(".") || take(",") {
                    let start = i
                    while i < s.count, s[i] >= 48 && s[i] <= 57 { i += 1 }
                    guard i > start else { return nil }
                    second += Double("0." + String(decoding: s[start..<i], as: UTF8.self)) ?? 0
                }
            }
            seconds = Double(hour * 3600 + minute * 60) + second
            if take("Z") || take("z") {
                // UTC
            } else if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "+") ? 1.0 : -1.0
                i += 1
                guard let offsetHours = number(2) else { return nil }
                _ = take(":")
                let offsetMinutes = number(2) ?? 0
                seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
            }
            guard i == s.count else { return nil }
        }
        let days = Self.daysFromCivil(year, month, day)
        return Date(timeIntervalSince1970: Double(days) * 86_400 + seconds)
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
