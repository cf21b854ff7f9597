import Foundation

/// The details that make a reply one customer's rather than any customer's — their name, email address, phone
/// number, order and invoice numbers, amounts and dates. Saved answers hold them as visible placeholders
/// (`{{Order Number}}`), filled from a new ticket where it states them.
public enum CustomerSpecifics {
    /// The kinds of detail, named as their placeholder reads.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case name = "Customer Name"
        case email = "Email"
        case phone = "Phone Number"
        case invoiceNumber = "Invoice Number"
        case orderNumber = "Order Number"
        case amount = "Amount"
        case date = "Date"

        /// The placeholder as it appears in an answer.
        public var placeholder: String { "{{\(rawValue)}}" }
    }

    /// One detail found in a text, by its character range.
    public struct Found: Sendable, Equatable {
        public var kind: Kind
        public var value: String
        public var range: Range<String.Index>
    }

    /// Every detail in `text`, left to right, without overlaps (the earlier, then the longer, match wins).
    /// `names` are the customer's names known from elsewhere (the ticket's customer field).
    public static func find(in text: String, names: [String] = []) -> [Found] {
        var found: [Found] = []
        for (kind, pattern) in patterns {
            for range in matches(pattern, in: text) { found.append(Found(kind: kind, value: String(text[range]), range: range)) }
        }
        for name in greetedNames(in: text) + names where name.count >= 2 {
            var start = text.startIndex
            while let range = text.range(of: name, options: [.caseInsensitive], range: start..<text.endIndex) {
                if isWordBoundary(text, range) { found.append(Found(kind: .name, value: String(text[range]), range: range)) }
                start = range.upperBound
            }
        }
        found.sort { $0.range.lowerBound != $1.range.lowerBound ? $0.range.lowerBound < $1.range.lowerBound
            : text.distance(from: $0.range.lowerBound, to: $0.range.upperBound) > text.distance(from: $1.range.lowerBound, to: $1.range.upperBound) }
        var kept: [Found] = []
        for item in found where kept.last.map({ item.range.lowerBound >= $0.range.upperBound }) ?? true { kept.append(item) }
        return kept
    }

    /// `text` with every detail replaced by its placeholder.
    public static func templated(_ text: String, names: [String] = []) -> String {
        replacing(find(in: text, names: names).map { ($0.range, $0.kind.placeholder) }, in: text)
    }

    /// The result of filling an answer's placeholders from a ticket.
    public struct Filled: Sendable, Equatable {
        public var text: String
        /// Placeholder → the ticket's value put in its place.
        public var filled: [String: String]
        /// Placeholders the ticket does not state, left visible for the agent (`{{Website Name}}` too).
        public var unfilled: [String]
    }

    /// Fills `{{…}}` placeholders with the details the ticket states (the first one of each kind); others stay.
    public static func fill(_ template: String, ticketText: String, customerName: String?) -> Filled {
        var values: [String: String] = [:]
        for item in find(in: ticketText) where values[item.kind.placeholder] == nil { values[item.kind.placeholder] = item.value }
        if let customerName, !customerName.contains("@"), !customerName.isEmpty {
            values[Kind.name.placeholder] = customerName.split(separator: " ").first.map(String.init)
        }
        var filled: [String: String] = [:], unfilled: [String] = []
        var replacements: [(Range<String.Index>, String)] = []
        for range in matches(placeholderPattern, in: template) {
            let placeholder = String(template[range])
            if let value = values[placeholder] {
                replacements.append((range, value))
                filled[placeholder] = value
            } else if !unfilled.contains(placeholder) {
                unfilled.append(placeholder)
            }
        }
        let text = replacing(replacements, in: template)
        return Filled(text: text, filled: filled, unfilled: unfilled)
    }

    /// A passage written for another customer with its order and invoice numbers — identifiers a knowledge-base
    /// text never means for everyone — replaced by this ticket's, or left as placeholders when it states none.
    public static func retargeted(_ text: String, ticketText: String) -> String {
        let identifiers = find(in: text).filter { $0.kind == .orderNumber || $0.kind == .invoiceNumber }
        guard !identifiers.isEmpty else { return text }
        return fill(replacing(identifiers.map { ($0.range, $0.kind.placeholder) }, in: text), ticketText: ticketText, customerName: nil).text
    }

    // MARK: - Patterns

    /// Each kind's patterns; a pattern with a capture group takes the group as the value (the number without
    /// the word "order" before it).
    private static let patterns: [(Kind, NSRegularExpression)] = ([
        (.email, #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#),
        (.invoiceNumber, #"\bINV[-–]?\d[\d-]{3,}\d\b"#),
        (.invoiceNumber, #"(?i:invoice)s?(?:\s+(?i:number|no\.?|id))?\s*#?\s*([A-Z]{0,4}-?\d[\d-]{3,}\d)\b"#),
        (.orderNumber, #"(?i:order|purchase|booking|reference|ref\.?)(?:\s+(?i:number|no\.?|id))?\s*#?\s*([A-Z]{0,4}-?\d[\d-]{3,}\d)\b"#),
        (.orderNumber, #"(?<![\w-])#\d{4,}\b"#),
        (.phone, #"(?<![\w-])\+\d[\d ()-]{7,16}\d\b"#),
        (.amount, #"[$€£¥]\s?\d[\d,]*(?:\.\d{1,2})?\b"#),
        (.amount, #"\b\d[\d,]*(?:\.\d{1,2})?\s?(?:USD|EUR|GBP|CHF|dollars|euros|pounds)\b"#),
        (.date, #"\b\d{4}-\d{2}-\d{2}\b"#),
        (.date, #"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"#),
        (.date, #"\b\d{1,2}(?:st|nd|rd|th)?\s+\#(month)(?:\s+\d{4})?\b"#),
        (.date, #"\b\#(month)\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b"#),
    ] as [(Kind, String)]).map { ($0.0, try! NSRegularExpression(pattern: $0.1)) }

    private static let month = #"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"#

    private static let placeholderPattern = try! NSRegularExpression(pattern: #"\{\{[^{}\n]{1,60}\}\}"#)
    private static let greeting = try! NSRegularExpression(pattern:
        #"(?:^|\n)\s*(?:Hi|Hello|Hey|Dear|Good (?:morning|afternoon|evening))\s+(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s*[,!]"#)
    private static let signature = try! NSRegularExpression(pattern:
        #"(?:Thanks|Thank you|Regards|Best|Cheers|Best regards|Kind regards),?\s*\n\s*([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s*$"#)

    /// `text` with each range (in order, not overlapping) replaced.
    public static func replacing(_ replacements: [(Range<String.Index>, String)], in text: String) -> String {
        var result = "", position = text.startIndex
        for (range, replacement) in replacements {
            result += text[position..<range.lowerBound]
            result += replacement
            position = range.upperBound
        }
        return result + text[position...]
    }

    /// The ranges a pattern matches in `text`: its first capture group when it has one, else the whole match.
    static func matches(_ pattern: NSRegularExpression, in text: String) -> [Range<String.Index>] {
        pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range, in: text)
        }
    }

    /// Names a reply or ticket greets or signs with: "Hi Anna,", "Dear Mr Okafor", "Thanks,\nPriya".
    static func greetedNames(in text: String) -> [String] {
        (matches(greeting, in: text) + matches(signature, in: text)).map { String(text[$0]) }
            .filter { !notNames.contains($0.lowercased()) }
    }

    private static let notNames: Set<String> = ["team", "there", "all", "support", "everyone", "folks", "again"]

    private static func isWordBoundary(_ text: String, _ range: Range<String.Index>) -> Bool {
        let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
        let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
        return !(before?.isLetter ?? false) && !(after?.isLetter ?? false)
    }
}
