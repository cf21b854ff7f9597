import Foundation

/// Replaces personal data with numbered placeholders per type (`[EMAIL_1]`, `[CARD_1]`, `[PHONE_2]`) and puts the
/// real values back into a reply. One redactor serves one conversation: the same value gets the same placeholder
/// in every text it redacts (an email in the ticket and in a passage is `[EMAIL_1]` in both), so a model can refer
/// to it consistently.
public struct Redactor: Sendable {
    public let detector: PersonalDataDetector
    /// Placeholder → the value it stands for (as it was first written).
    public private(set) var mapping: [String: String] = [:]
    private var placeholderByValue: [String: String] = [:]
    private var countByType: [PersonalDataType: Int] = [:]

    public init(detector: PersonalDataDetector = PersonalDataDetector()) {
        self.detector = detector
    }

    /// `text` with every detected span replaced by its placeholder; the mapping grows with the new values.
    public mutating func redact(_ text: String) -> String {
        var redacted = "", cursor = text.startIndex
        for span in detector.spans(in: text) {
            redacted += text[cursor..<span.range.lowerBound]
            redacted += placeholder(for: span)
            cursor = span.range.upperBound
        }
        return redacted + text[cursor...]
    }

    /// The placeholder of a span's value, numbered on first sight.
    mutating func placeholder(for span: PersonalDataSpan) -> String {
        let key = span.type.rawValue + "\u{1F}" + Self.normalized(span.text, span.type)
        if let known = placeholderByValue[key] { return known }
        let number = countByType[span.type, default: 0] + 1
        countByType[span.type] = number
        let placeholder = "[\(span.type.placeholderTag)_\(number)]"
        placeholderByValue[key] = placeholder
        mapping[placeholder] = span.text
        return placeholder
    }

    /// The same value however it is written: digits only for numbers, lowercased emails, IBANs without spaces.
    static func normalized(_ value: String, _ type: PersonalDataType) -> String {
        switch type {
        case .card, .phone: value.filter(\.isNumber)
        case .iban, .nationalID: value.uppercased().filter { $0.isLetter || $0.isNumber }
        case .email: value.lowercased()
        case .ipAddress: value.lowercased()
        case .address, .secret: value
        }
    }

    /// `text` with every placeholder of this redactor, wherever it stands, replaced by its value; placeholders it
    /// did not make are left as they are.
    public func restore(_ text: String) -> String {
        guard !mapping.isEmpty, text.contains("[") else { return text }
        let ns = text as NSString
        var restored = "", cursor = 0
        for match in Self.placeholderPattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let placeholder = ns.substring(with: match.range)
            guard let value = mapping[placeholder] else { continue }
            restored += ns.substring(with: NSRange(location: cursor, length: match.range.location - cursor)) + value
            cursor = match.range.location + match.range.length
        }
        return restored + ns.substring(from: cursor)
    }

    static let placeholderPattern = PersonalDataDetector.placeholderPattern

    /// Restores placeholders in a reply that arrives in pieces: a placeholder split across pieces (`[EMA`, `IL_1]`)
    /// is held back until it is whole.
    public struct StreamRestorer: Sendable {
        public let redactor: Redactor
        private var pending = ""

        public init(_ redactor: Redactor) { self.redactor = redactor }

        /// The restored text that can be shown now.
        public mutating func take(_ piece: String) -> String {
            pending += piece
            // Hold back an opening bracket that may still become a placeholder.
            if let open = pending.lastIndex(of: "["), !pending[open...].contains("]"), Self.couldBePlaceholder(pending[open...]) {
                let ready = String(pending[..<open])
                pending = String(pending[open...])
                return redactor.restore(ready)
            }
            let ready = pending
            pending = ""
            return redactor.restore(ready)
        }

        /// What is left at the end.
        public mutating func finish() -> String {
            defer { pending = "" }
            return redactor.restore(pending)
        }

        /// `[`, `[EM`, `[EMAIL_`, `[EMAIL_12`: a prefix of some placeholder.
        static func couldBePlaceholder(_ text: Substring) -> Bool {
            guard text.count <= 16 else { return false }
            var sawUnderscore = false
            for character in text.dropFirst() {
                if character == "_" {
                    if sawUnderscore { return false }
                    sawUnderscore = true
                } else if sawUnderscore ? !character.isNumber : !(character.isUppercase && character.isASCII) {
                    return false
                }
            }
            return true
        }
    }
}
