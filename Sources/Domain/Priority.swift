import Foundation

/// Ticket priority, P1 (most urgent) to P4.
///
/// Parsing accepts the forms support tools export: `P1`, `p2`, `P1-Critical`, `1`, and words such as
/// `critical`, `urgent`, `high`, `medium`, `normal`, `low`. (The Python system this replaces mapped P1 to P3.)
public enum Priority: String, Codable, Sendable, CaseIterable, Comparable {
    case p1 = "P1", p2 = "P2", p3 = "P3", p4 = "P4"

    /// Parses a priority label; nil when the text names no known priority.
    public init?(parsing raw: String) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !text.isEmpty else { return nil }
        // "P1", "p1-critical", "P2 - High", "1", "sev1", "priority 3"
        let digits = text.filter(\.isNumber)
        let letters = text.filter(\.isLetter)
        if digits.count == 1, let level = Int(digits), (1...4).contains(level),
           letters.isEmpty || ["p", "sev", "priority", "level"].contains(where: { letters.hasPrefix($0) }) {
            self = Priority.allCases[level - 1]
            return
        }
        switch letters {
        case "critical", "urgent", "blocker", "emergency", "highest", "immediate": self = .p1
        case "high", "major", "important": self = .p2
        case "medium", "normal", "moderate", "standard": self = .p3
        case "low", "minor", "lowest", "trivial": self = .p4
        default: return nil
        }
    }

    /// 1 for P1 ... 4 for P4.
    public var level: Int { Priority.allCases.firstIndex(of: self)! + 1 }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.level < rhs.level }
}
