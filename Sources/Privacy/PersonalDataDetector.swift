import Foundation

/// Finds personal data in support text: emails, phone numbers (international `+CC`/`00CC` and the national formats
/// of the US, UK, Germany, France and Spain), payment cards (Luhn and issuer prefix), IBANs (country length and
/// mod 97), IPv4/IPv6 addresses, street addresses with a postal code (US, UK, DE, FR, ES), national identifiers
/// (US SSN, UK NI number, Spanish DNI/NIE, French NIR, German tax id) and pasted secrets (passwords after a
/// password word, API keys and tokens of known shapes, JWTs, bearer tokens, long random strings after a key word).
/// Numbers that only look alike — order numbers, error codes, versions, amounts, dates, ticket ids, tracking
/// numbers failing Luhn — are left alone: every kind needs its checksum, its fixed shape or its context word.
/// Overlapping finds are resolved: the more specific kind wins, then the longer span.
public struct PersonalDataDetector: Sendable {
    /// The kinds looked for.
    public var types: Set<PersonalDataType>

    public init(types: Set<PersonalDataType> = Set(PersonalDataType.allCases)) {
        self.types = types
    }

    /// The personal data in `text`, in text order, without overlaps.
    public func spans(in text: String) -> [PersonalDataSpan] {
        var found: [PersonalDataSpan] = []
        let ns = text as NSString
        // A bank account number of IBAN shape is no phone, card or id, whether or not its check digits are right.
        let accountShaped = Self.ibanShaped(text, ns)
        // A redactor's placeholder (`password: [SECRET_1]`) is never personal data: redacting twice changes nothing.
        let placeholders = Self.matches(Self.placeholderPattern, in: text, ns).map(\.0)
        for type in types.sorted() {
            for candidate in Self.candidates(of: type, in: text, ns) where !placeholders.contains(where: { $0.overlaps(candidate.range) }) {
                if type != .iban, type != .secret, type != .email,
                    accountShaped.contains(where: { $0.overlaps(candidate.range) })
                {
                    continue
                }
                found.append(candidate)
            }
        }
        return Self.resolvingOverlaps(found)
    }

    /// The winners among overlapping spans: the more specific kind, then the longer span.
    static func resolvingOverlaps(_ spans: [PersonalDataSpan]) -> [PersonalDataSpan] {
        let ranked = spans.sorted {
            if $0.type.specificity != $1.type.specificity { return $0.type.specificity > $1.type.specificity }
            return $0.text.count > $1.text.count
        }
        var kept: [PersonalDataSpan] = []
        for span in ranked where !kept.contains(where: { $0.range.overlaps(span.range) }) { kept.append(span) }
        return kept.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    static func candidates(of type: PersonalDataType, in text: String, _ ns: NSString) -> [PersonalDataSpan] {
        switch type {
        case .email: emails(text, ns)
        case .phone: phones(text, ns)
        case .card: cards(text, ns)
        case .iban: ibans(text, ns)
        case .ipAddress: ipAddresses(text, ns)
        case .address: addresses(text, ns)
        case .nationalID: nationalIDs(text, ns)
        case .secret: secrets(text, ns)
        }
    }

    // MARK: - Matching helpers

    /// `[EMAIL_1]`, `[CARD_12]`: what `Redactor` puts in place of a value.
    static let placeholderPattern = regex(#"\[[A-Z]+_\d+\]"#)

    /// A compiled pattern; the patterns below are constants, so a failure to compile is a programming error.
    static func regex(_ pattern: String, caseInsensitive: Bool = false) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    /// Each match's range of capture group `group` (0 for the whole match), as a String range.
    static func matches(
        _ pattern: NSRegularExpression, in text: String, _ ns: NSString, group: Int = 0
    ) -> [(Range<String.Index>, NSTextCheckingResult)] {
        pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { match in
            let nsRange = match.range(at: group)
            guard nsRange.location != NSNotFound, let range = Range(nsRange, in: text) else { return nil }
            return (range, match)
        }
    }

    static func span(_ type: PersonalDataType, _ range: Range<String.Index>, in text: String) -> PersonalDataSpan {
        PersonalDataSpan(type: type, range: range, text: String(text[range]))
    }

    /// The characters just before `range` (up to `count`), lowercased.
    static func before(_ range: Range<String.Index>, in text: String, count: Int) -> String {
        let start = text.index(range.lowerBound, offsetBy: -count, limitedBy: text.startIndex) ?? text.startIndex
        return text[start..<range.lowerBound].lowercased()
    }

    static func character(before range: Range<String.Index>, in text: String) -> Character? {
        range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : nil
    }

    static func character(after range: Range<String.Index>, in text: String) -> Character? {
        range.upperBound < text.endIndex ? text[range.upperBound] : nil
    }

    /// The text after `range` starts with a separator and a digit or letter that continue the token (`10.0.1.2.3`,
    /// `ORD-2024`).
    static func continues(after range: Range<String.Index>, in text: String) -> Bool {
        guard range.upperBound < text.endIndex else { return false }
        let next = text[range.upperBound]
        if next.isLetter || next.isNumber || next == "_" { return true }
        guard "-./:".contains(next) else { return false }
        let afterNext = text.index(after: range.upperBound)
        return afterNext < text.endIndex && (text[afterNext].isNumber || text[afterNext].isLetter)
    }

    static func preceded(_ range: Range<String.Index>, in text: String) -> Bool {
        guard let previous = character(before: range, in: text) else { return false }
        if previous.isLetter || previous.isNumber || previous == "_" { return true }
        guard "-./:#".contains(previous) else { return false }
        let index = text.index(before: range.lowerBound)
        guard index > text.startIndex else { return previous == "#" }
        let beforePrevious = text[text.index(before: index)]
        return previous == "#" || beforePrevious.isNumber || beforePrevious.isLetter
    }

    // MARK: - Email

    static let emailPattern = regex(
        #"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b"#)

    static func emails(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        matches(emailPattern, in: text, ns).compactMap { range, _ in
            if let previous = character(before: range, in: text), previous.isLetter || previous.isNumber || previous == "." { return nil }
            return span(.email, range, in: text)
        }
    }

    // MARK: - Phone

    /// `+CC` or `00CC` then groups of digits (a `(0)` trunk prefix allowed): 7–14 digits after the country code.
    static let internationalPhone = regex(#"(?:\+|\b00)[1-9]\d{0,2}(?:[ .\-/]?\(0\))?(?:[ .\-/]?\(?\d{1,5}\)?){1,6}"#)
    /// US/Canada national: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199.
    static let northAmericanPhone = regex(#"(?:\b1[ .-])?(?:\([2-9]\d{2}\) ?|\b[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}\b"#)
    /// National numbers with a trunk 0 (UK, DE, FR): 020 7946 0958, 07700 900123, 030 12345678, 0171/1234567,
    /// (030) 123 456 78, 01 23 45 67 89, 06.12.34.56.78.
    static let trunkZeroPhone = regex(#"(?:\(0[1-9]\d{0,3}\) ?|\b0[1-9]\d{0,3}(?:[ .\-/]|(?=\d)))\d{2,4}(?:[ .\-]?\d{2,4}){0,3}\b"#)
    /// Spanish national (9 digits, starting 6, 7, 8 or 9): 912 345 678, 612 34 56 78, 91 123 45 67.
    static let spanishPhone = regex(#"\b[6-9]\d{1,2}(?:[ .\-]?\d{2,3}){2,3}\b"#)
    /// Words that say a number is a phone number, in the supported languages.
    static let phoneContext = regex(
        #"(phone|tel\b|tel\.|tel:|call|mobile|cell|number|reach|contact|whatsapp|sms|text me|ring|fax|telefon|handy|mobil|nummer|erreichen|anrufen|rückruf|durchwahl|téléphone|tél|portable|appeler|joindre|numéro|rappeler|teléfono|telefono|tfno|móvil|movil|llam|llám|número|numero|contact|kontakt)"#,
        caseInsensitive: true)

    /// Words that say a number is something else: a parcel, an order, an invoice, a case.
    static let notPhoneContext = regex(
        #"(tracking|parcel|shipment|order|invoice|case|ticket|reference|seats|rows|sendung|paket|bestell|rechnung|referenz|zeilen|lizenzen|suivi|colis|commande|facture|référence|lignes|licences|seguimiento|paquete|pedido|factura|referencia|filas|licencias)"#,
        caseInsensitive: true)

    /// The words before `range` in its sentence (up to 40 characters).
    static func sentenceBefore(_ range: Range<String.Index>, in text: String) -> String {
        let window = before(range, in: text, count: 40)
        // A line break ends a sentence; so does . ! ? before a space (not the dot of `v2.1`).
        let end = window.indices.last { index in
            let character = window[index]
            if character.isNewline { return true }
            guard ".!?".contains(character) else { return false }
            let next = window.index(after: index)
            return next == window.endIndex || window[next].isWhitespace
        }
        return end.map { String(window[window.index(after: $0)...]) } ?? window
    }

    /// Where the last word of `pattern` stands in the sentence before `range` (UTF-16 offset), if any.
    static func lastMention(_ pattern: NSRegularExpression, before range: Range<String.Index>, in text: String) -> Int? {
        let window = sentenceBefore(range, in: text)
        return pattern.matches(in: window, range: NSRange(location: 0, length: (window as NSString).length)).last?.range.location
    }

    static func hasPhoneContext(before range: Range<String.Index>, in text: String) -> Bool {
        lastMention(phoneContext, before: range, in: text) != nil
    }

    /// A word nearer the number, or qualifying the phone word, says it is something else ("order #1301013 … reach
    /// me at 020 8475 9913" is a phone: "reach" is nearer; "tracking number 0897 2543 9089" and "Bestellnummer" are
    /// not).
    static func saysNotPhone(before range: Range<String.Index>, in text: String) -> Bool {
        guard let negative = lastMention(notPhoneContext, before: range, in: text) else { return false }
        guard let positive = lastMention(phoneContext, before: range, in: text) else { return true }
        return negative > positive - 12
    }

    static func phones(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        var spans: [PersonalDataSpan] = []
        for (range, _) in matches(internationalPhone, in: text, ns) {
            var range = range
            // A trailing ")" or separator is not part of the number.
            while let last = text[range].last, !last.isNumber { range = range.lowerBound..<text.index(before: range.upperBound) }
            let digits = text[range].filter(\.isNumber).count
            guard (8...15).contains(digits), !continues(after: range, in: text), !moreDigitGroups(around: range, in: text) else { continue }
            // `00` dialled abroad: a grouped number of 10 digits or more (a bare 00121550 is a case number).
            if text[range].hasPrefix("00") && (digits < 10 || !text[range].contains { !$0.isNumber } || saysNotPhone(before: range, in: text)) {
                continue
            }
            if let previous = character(before: range, in: text), previous.isLetter || previous.isNumber { continue }
            spans.append(span(.phone, range, in: text))
        }
        for (range, _) in matches(northAmericanPhone, in: text, ns)
        where !preceded(range, in: text) && !continues(after: range, in: text) && !moreDigitGroups(around: range, in: text) {
            spans.append(span(.phone, range, in: text))
        }
        for (range, _) in matches(trunkZeroPhone, in: text, ns)
        where !preceded(range, in: text) && !continues(after: range, in: text) && !moreDigitGroups(around: range, in: text) {
            let raw = text[range]
            let digits = raw.filter(\.isNumber)
            guard (9...12).contains(digits.count), !Self.looksLikeDate(String(raw)), !saysNotPhone(before: range, in: text) else { continue }
            // A run of digits without any separator is a phone number only where a word says so.
            let separated = raw.contains { !$0.isNumber }
            if !separated && !hasPhoneContext(before: range, in: text) { continue }
            spans.append(span(.phone, range, in: text))
        }
        for (range, _) in matches(spanishPhone, in: text, ns)
        where !preceded(range, in: text) && !continues(after: range, in: text) && !moreDigitGroups(around: range, in: text) {
            let raw = text[range]
            guard raw.filter(\.isNumber).count == 9, !Self.looksLikeDate(String(raw)), !saysNotPhone(before: range, in: text) else { continue }
            // Spaced as Spanish numbers are written (912 345 678, 612 34 56 78), or any way where a word says so.
            let spaced = raw.contains(" ") && !raw.contains(".")
            if !spaced && !hasPhoneContext(before: range, in: text) { continue }
            spans.append(span(.phone, range, in: text))
        }
        return spans
    }

    static let datePattern = regex(#"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})$"#)

    /// `2024-03-15`, `15.03.2024`, `03/15/2024`.
    static func looksLikeDate(_ text: String) -> Bool {
        datePattern.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }

    // MARK: - Payment card

    /// 13–19 digits, ungrouped or in groups separated by one space or dash.
    static let cardPattern = regex(#"\b\d(?:[ -]?\d){12,18}\b"#)

    static func cards(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        matches(cardPattern, in: text, ns).compactMap { range, _ in
            guard !preceded(range, in: text), !continues(after: range, in: text),
                !Self.moreDigitGroups(around: range, in: text)
            else { return nil }
            let raw = String(text[range])
            let digits = raw.filter(\.isNumber)
            guard (13...19).contains(digits.count), Checksums.luhn(digits), Self.knownIssuer(digits),
                Set(digits).count > 1, Self.cardGrouping(raw)
            else { return nil }
            return span(.card, range, in: text)
        }
    }

    /// A space or dash and more digits right before or after: the span is part of a longer number (a tracking
    /// number of 20+ digits in groups).
    static func moreDigitGroups(around range: Range<String.Index>, in text: String) -> Bool {
        // The neighbouring token, across one space or dash, is a group of digits only.
        func isDigitGroup<S: StringProtocol>(_ token: S) -> Bool { !token.isEmpty && token.count <= 6 && token.allSatisfy(\.isNumber) }
        let after = text[range.upperBound...]
        if let first = after.first, " -".contains(first) {
            if isDigitGroup(after.dropFirst().prefix { !$0.isWhitespace && !",.;:)".contains($0) }) { return true }
        }
        let before = text[..<range.lowerBound]
        if let last = before.last, " -".contains(last) {
            let token = before.dropLast().reversed().prefix { !$0.isWhitespace && !"(:".contains($0) }
            if isDigitGroup(String(token)) { return true }
        }
        return false
    }

    /// The issuer prefixes of the networks: Visa 4, Mastercard 51–55 and 2221–2720, Amex 34/37, Discover 6011/644–649/65,
    /// JCB 3528–3589, Diners 300–305/36/38, UnionPay 62, Maestro 50/56–69.
    static func knownIssuer(_ digits: String) -> Bool {
        guard let two = Int(digits.prefix(2)), let four = Int(digits.prefix(4)) else { return false }
        let n = digits.count
        switch two {
        case 40...49: return n == 13 || n == 16 || n == 19
        case 51...55: return n == 16
        case 22...27: return (2221...2720).contains(four) && n == 16
        case 34, 37: return n == 15
        case 30: return (3000...3059).contains(four) && n >= 14
        case 35: return (3528...3589).contains(four) && n >= 16
        case 36, 38: return n >= 14
        case 60, 64, 65: return n >= 16
        case 62: return n >= 16
        case 50, 56...59, 61, 63, 66...69: return n >= 12
        default: return false
        }
    }

    /// Groups as cards are printed: none, 4-4-4-4(-3), 4-6-5 or 4-6-4, with one kind of separator.
    static func cardGrouping(_ raw: String) -> Bool {
        let separators = Set(raw.filter { !$0.isNumber })
        guard separators.count <= 1 else { return false }
        guard let separator = separators.first else { return true }
        let groups = raw.split(separator: separator).map(\.count)
        if groups.dropLast().allSatisfy({ $0 == 4 }) && (1...4).contains(groups.last ?? 0) { return true }
        return groups.count == 3 && groups[0] == 4 && groups[1] == 6 && (4...5).contains(groups[2])
    }

    // MARK: - IBAN

    /// In a lookahead, so a candidate starting inside an earlier one (`SO9516763 … IE24MBGD…`) is still tried.
    static let ibanPattern = regex(#"\b(?=([A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}))"#)

    static func ibans(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        ibanShaped(text, ns).compactMap { candidate in
            guard Checksums.ibanValid(text[candidate].filter { $0 != " " }) else { return nil }
            return span(.iban, candidate, in: text)
        }
    }

    /// Country code, check digits and the country's length of characters, grouped by four or not; check digits
    /// not verified.
    static func ibanShaped(_ text: String, _ ns: NSString) -> [Range<String.Index>] {
        matches(ibanPattern, in: text, ns, group: 1).compactMap { range, _ in
            guard !preceded(range, in: text) else { return nil }
            let country = String(text[range].prefix(2)).uppercased()
            guard let length = Checksums.ibanLengths[country] else { return nil }
            // Take exactly the country's length of characters, skipping spaces; a longer match ran into the next word.
            var index = range.lowerBound, taken = 0
            while index < range.upperBound && taken < length {
                if text[index] != " " { taken += 1 }
                index = text.index(after: index)
            }
            guard taken == length else { return nil }
            let candidate = range.lowerBound..<index
            // Written as banks print it: all in one case, and in one piece or in groups of four.
            let written = text[candidate]
            guard !(written.contains(where: \.isUppercase) && written.contains(where: \.isLowercase)) else { return nil }
            let groups = written.split(separator: " ")
            guard groups.count == 1 || groups.dropLast().allSatisfy({ $0.count == 4 }) else { return nil }
            if let next = character(after: candidate, in: text), next.isLetter || next.isNumber { return nil }
            return candidate
        }
    }

    // MARK: - IP address

    static let ipv4Pattern = regex(#"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b"#)
    static let ipv6Candidate = regex(#"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%[0-9A-Za-z]+)?(?![0-9A-Za-z:])"#)
    static let versionWords = regex(#"(\bv|version|versión|build|release|firmware|app|ios|android|windows|macos)\s*$"#, caseInsensitive: true)

    static func ipAddresses(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        var spans: [PersonalDataSpan] = []
        for (range, _) in matches(ipv4Pattern, in: text, ns) {
            guard !preceded(range, in: text), !continues(after: range, in: text) else { continue }
            let window = before(range, in: text, count: 12)
            if versionWords.firstMatch(in: window, range: NSRange(location: 0, length: (window as NSString).length)) != nil { continue }
            spans.append(span(.ipAddress, range, in: text))
        }
        for (range, _) in matches(ipv6Candidate, in: text, ns) {
            var candidate = String(text[range])
            if let percent = candidate.firstIndex(of: "%") { candidate = String(candidate[..<percent]) }
            if Self.validIPv6(candidate) { spans.append(span(.ipAddress, range, in: text)) }
        }
        return spans
    }

    /// Eight groups of 1–4 hex digits, or fewer around one `::`; an embedded IPv4 tail counts as two groups.
    static func validIPv6(_ address: String) -> Bool {
        guard address.contains(":"), !address.contains(":::") else { return false }
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ part: String) -> [String]? {
            part.isEmpty ? [] : part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
        guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return false }
        let all = head + tail
        guard all.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isHexDigit) }) else { return false }
        // Times (10:15:30) and ratios are not addresses: an address has eight groups, or a `::` and a hex letter or
        // a group of more than two digits.
        if halves.count == 1 { return all.count == 8 }
        guard all.count <= 7 else { return false }
        return address.contains { $0.isLetter } || all.contains { $0.count >= 3 } || address == "::1"
    }

    // MARK: - Street address

    static let addressPatterns: [NSRegularExpression] = [
        // US: 1600 Amherst Street, Apt 4B, Springfield, IL 62704
        regex(
            #"\b\d{1,5} (?:[A-Z][a-z]+ |[NSEW]\.? ){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|Circle|Cir)\.?(?:,? (?:Apt|Apartment|Suite|Ste|Unit|#) ?[A-Z0-9-]+)?,? (?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+,? (?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC) \d{5}(?:-\d{4})?\b"#
        ),
        // UK: 221B Baker Street, London NW1 6XE; Flat 2, 14 Mill Lane, Leeds, LS1 4AB
        regex(
            #"\b(?:(?:Flat|Apartment) \d+[A-Z]?, )?\d{1,4}[A-Z]? (?:[A-Z][a-z]+ ){1,3}(?:Road|Rd|Street|St|Lane|Avenue|Close|Gardens|Drive|Way|Place|Crescent|Terrace|Hill|Square|Grove|Court|Mews|Row|Walk|Park|Green|Rise|View)\b,? (?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?,? )?(?:GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b"#
        ),
        // DE: Berliner Straße 12, 10115 Berlin; Hauptstr. 5a, 80331 München; Am Lindenweg 3 · 50667 Köln
        regex(
            #"\b(?:[A-ZÄÖÜ][a-zäöüß]+[ -])?(?:[A-ZÄÖÜ][a-zäöüß]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad)|Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm)(?: [A-ZÄÖÜ][a-zäöüß]+)? \d{1,4}(?: ?[a-z])?(?:[,·]? |, )(?:D-)?\d{5} [A-ZÄÖÜ][a-zäöüß]+(?:[ -](?:am |an der |bei )?[A-ZÄÖÜ][a-zäöüß]+)?"#
        ),
        // FR: 12 rue de la Paix, 75002 Paris; 8 bis avenue Victor Hugo 69006 Lyon
        regex(
            #"\b\d{1,4}(?: ?(?:bis|ter))?,? (?i:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|square|passage)(?: [\p{L}'’-]+){1,5},? \d{5} [A-ZÉÈ][\p{L}-]+(?: [A-ZÉÈ][\p{L}-]+)?"#,
            caseInsensitive: false),
        // ES: Calle Mayor 12, 3º B, 28013 Madrid; Avenida de la Constitución, 5, 41001 Sevilla; C/ Gran Vía 28, 28013 Madrid
        regex(
            #"\b(?:Calle|C/|Avenida|Avda\.|Av\.|Paseo|Plaza|Pza\.|Camino|Carretera|Ronda|Travesía|Rambla|Glorieta)(?: [\p{L}'’.-]+){1,5},? (?:n\.?º ?)?\d{1,4}(?:,? \d{1,2}[ºª]? ?[A-Z]?\b)?,? \d{5} [A-ZÁÉÍÓÚ][\p{L}-]+(?: (?:de )?[A-ZÁÉÍÓÚ][\p{L}-]+)?"#
        ),
    ]

    static func addresses(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        addressPatterns.flatMap { pattern in
            matches(pattern, in: text, ns).compactMap { range, _ in
                var range = range
                while let last = text[range].last, ",.;".contains(last) { range = range.lowerBound..<text.index(before: range.upperBound) }
                return span(.address, range, in: text)
            }
        }
    }

    // MARK: - National identifiers

    static let ssnPattern = regex(#"\b(\d{3})-(\d{2})-(\d{4})\b"#)
    static let ssnWithContext = regex(
        #"\b(?:SSN|social security(?: number| no\.?)?|SS#)\W{0,3}(?:(?:is|was|es)\W{1,3})?(\d{3})[ -]?(\d{2})[ -]?(\d{4})\b"#, caseInsensitive: true)
    static let ninoPattern = regex(#"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"#)
    static let dniPattern = regex(#"\b(?:([XYZ])[ -]?)?(\d{7,8})[ -]?([A-Z])\b"#)
    static let nirPattern = regex(#"\b[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2A|2B) ?\d{3} ?\d{3} ?\d{2}\b"#)
    static let germanTaxIDPattern = regex(
        #"\b(?:steuer-?id(?:entifikationsnummer)?|steuerliche identifikationsnummer|idnr\.?|tin)\W{0,3}(?:(?:ist|lautet|is)\W{1,3})?(\d{2} ?\d{3} ?\d{3} ?\d{3})\b"#,
        caseInsensitive: true)

    static func nationalIDs(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        var spans: [PersonalDataSpan] = []
        func number(_ match: NSTextCheckingResult, _ group: Int) -> Int { Int(ns.substring(with: match.range(at: group))) ?? 0 }
        for (range, match) in matches(ssnPattern, in: text, ns) where !preceded(range, in: text) && !continues(after: range, in: text) {
            if Checksums.ssnValid(area: number(match, 1), group: number(match, 2), serial: number(match, 3)) {
                spans.append(span(.nationalID, range, in: text))
            }
        }
        for (_, match) in matches(ssnWithContext, in: text, ns) {
            guard let start = Range(match.range(at: 1), in: text), let end = Range(match.range(at: 3), in: text) else { continue }
            if Checksums.ssnValid(area: number(match, 1), group: number(match, 2), serial: number(match, 3)) {
                spans.append(span(.nationalID, start.lowerBound..<end.upperBound, in: text))
            }
        }
        for (range, _) in matches(ninoPattern, in: text, ns) where !preceded(range, in: text) {
            spans.append(span(.nationalID, range, in: text))
        }
        for (range, match) in matches(dniPattern, in: text, ns) where !preceded(range, in: text) {
            let prefix = match.range(at: 1).location == NSNotFound ? "" : ns.substring(with: match.range(at: 1))
            let digits = ns.substring(with: match.range(at: 2))
            guard prefix.isEmpty ? digits.count == 8 : digits.count == 7 else { continue }
            if Checksums.spanishIDLetter(prefix + digits) == Character(ns.substring(with: match.range(at: 3))) {
                spans.append(span(.nationalID, range, in: text))
            }
        }
        for (range, _) in matches(nirPattern, in: text, ns) where !preceded(range, in: text) && !continues(after: range, in: text) {
            if Checksums.frenchNIRValid(String(text[range])) { spans.append(span(.nationalID, range, in: text)) }
        }
        for (range, _) in matches(germanTaxIDPattern, in: text, ns, group: 1) where !continues(after: range, in: text) {
            if Checksums.germanTaxIDValid(String(text[range])) { spans.append(span(.nationalID, range, in: text)) }
        }
        return spans
    }

    // MARK: - Secrets

    /// Tokens whose shape alone gives them away.
    static let tokenPatterns: [NSRegularExpression] = [
        regex(#"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}"#),  // OpenAI / Anthropic style
        regex(#"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b"#),  // GitHub
        regex(#"\bgithub_pat_[A-Za-z0-9_]{40,}\b"#),
        regex(#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#),  // AWS access key id
        regex(#"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"#),  // Slack
        regex(#"\b(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b"#),  // Stripe
        regex(#"\bAIza[0-9A-Za-z_-]{35}\b"#),  // Google API key
        regex(#"\bglpat-[0-9A-Za-z_-]{20,}\b"#),  // GitLab
        regex(#"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"#),  // JWT
        regex(#"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"#),
    ]
    /// `Bearer <token>`: the token.
    static let bearerPattern = regex(#"\bBearer\s+([A-Za-z0-9._~+/-]{16,}=*)"#, caseInsensitive: true)
    /// A password word, a separator, and the value.
    static let passwordPattern = regex(
        #"\b(?:password|passwd|pwd|pw|passcode|passwort|kennwort|contraseña|contrasena|clave|mot de passe|mdp|code pin|pin)\b(?: (?:actuel|actual|aktuelles|aktuell|current|nuevo|nueva|nouveau|neues))?(?: (?:is|was|ist|war|lautet|es|era|est|était|:|-|–))?\s*(?:[:=]|is|ist|lautet|es|est)?\s*["'“«]?([^\s"'”»]{4,64})"#,
        caseInsensitive: true)
    /// A key word, a separator, and a long value.
    static let keyValuePattern = regex(
        #"\b(?:api[ _-]?key|apikey|api[ _-]?token|access[ _-]?key|secret(?:[ _-]?key)?|client[ _-]?secret|auth[ _-]?token|access[ _-]?token|token|private[ _-]?key|schlüssel|clé(?: d'api| api)?|clave(?: de api| api)?|llave)\b(?: (?:is|ist|es|est|lautet))?\s*[:=]?\s*["'“«]?([A-Za-z0-9+/_.=-]{16,})"#,
        caseInsensitive: true)

    static func secrets(_ text: String, _ ns: NSString) -> [PersonalDataSpan] {
        var spans: [PersonalDataSpan] = []
        for pattern in tokenPatterns {
            for (range, _) in matches(pattern, in: text, ns) { spans.append(span(.secret, range, in: text)) }
        }
        for (range, _) in matches(bearerPattern, in: text, ns, group: 1) { spans.append(span(.secret, trimmed(range, in: text), in: text)) }
        for (range, match) in matches(passwordPattern, in: text, ns, group: 1) {
            let range = trimmed(range, in: text)
            let value = String(text[range])
            let whole = ns.substring(with: match.range)
            // "password: hunter2", "Passwort ist Sommer2024!"; not "password reset", "Reset password: open Settings".
            let explicit = whole.contains(":") || whole.contains("=") || whole.contains(" - ") || whole.contains(" – ")
            guard value.count >= 4, Self.looksLikePassword(value, explicit: explicit) else { continue }
            spans.append(span(.secret, range, in: text))
        }
        for (range, _) in matches(keyValuePattern, in: text, ns, group: 1) {
            let range = trimmed(range, in: text)
            let value = String(text[range])
            guard value.count >= 16, Checksums.entropy(value) >= 3.3, value.contains(where: \.isNumber),
                value.contains(where: \.isLetter)
            else { continue }
            spans.append(span(.secret, range, in: text))
        }
        return spans
    }

    /// A value that reads as a password, not a word: digits or symbols with letters, or inner capitals; after an
    /// explicit `:` or `=` any value that is not a plain lowercase word.
    static func looksLikePassword(_ value: String, explicit: Bool) -> Bool {
        let letters = value.contains(where: \.isLetter)
        let digits = value.contains(where: \.isNumber)
        let symbols = value.contains { !$0.isLetter && !$0.isNumber }
        let innerCapital = value.dropFirst().contains(where: \.isUppercase) && value.contains(where: \.isLowercase)
        if (digits && letters) || (symbols && (letters || digits)) || innerCapital { return true }
        if explicit && digits && value.count >= 6 { return true }
        return false
    }

    /// Without trailing sentence punctuation.
    static func trimmed(_ range: Range<String.Index>, in text: String) -> Range<String.Index> {
        var range = range
        while let last = text[range].last, ".,;:?)]}".contains(last), text[range].count > 1 {
            range = range.lowerBound..<text.index(before: range.upperBound)
        }
        return range
    }
}
