import Foundation

/// The first sentence of a draft: the customer's problem named in their own words, turned to the second person
/// ("The app logs me out every hour." → "I understand that the app logs you out every hour."), so the customer
/// sees at once that their message was read. Falls back to their subject, then to a plain thank-you.
public enum OpeningLine {
    /// An opening for a ticket. Only English text is reflected; other languages get the neutral opening.
    public static func make(subject: String?, body: String, language: String? = nil) -> String {
        let neutral = "Thank you for getting in touch."
        guard (language ?? "en").lowercased().hasPrefix("en") else { return neutral }
        for sentence in CitedSentence.splitSentences(body).map(withoutGreeting) where isProblemStatement(sentence) {
            if let reflected = reflect(sentence) { return reflected }
        }
        if let subject = subject?.trimmingCharacters(in: .whitespacesAndNewlines), (2...12).contains(words(subject).count),
           !subject.contains("\"") {
            return "Thank you for getting in touch about “\(subject.trimmingCharacters(in: CharacterSet(charactersIn: ".!?")))”."
        }
        return neutral
    }

    /// The sentence without greetings in front ("Hey, hi, …", "Good morning. …") or pleasantries at its end
    /// ("… Thank you.").
    static func withoutGreeting(_ sentence: String) -> String {
        var text = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
        while let range = text.range(of: #"^(hi|hello|hey|dear|good (morning|afternoon|evening))\b[^,.!]{0,30}[,.!]\s*"#,
                                     options: [.regularExpression, .caseInsensitive]) {
            text = String(text[range.upperBound...])
        }
        if let range = text.range(of: #"[\s,]+(thanks( in advance| a lot)?|thank you|cheers|please advise|please help)[.!]*$"#,
                                  options: [.regularExpression, .caseInsensitive]) {
            text = String(text[..<range.lowerBound]) + "."
        }
        return text
    }

    /// A sentence that says what is wrong or what they want, not a greeting or a pleasantry.
    static func isProblemStatement(_ sentence: String) -> Bool {
        let count = words(sentence).count
        guard (4...28).contains(count) else { return false }
        let lower = sentence.lowercased()
        let pleasantry = pleasantries.contains { phrase in
            lower.hasPrefix(phrase) && lower.dropFirst(phrase.count).first.map { !$0.isLetter } ?? true
        }
        return !pleasantry && !lower.contains("http") && !lower.contains("@")
            && !lower.contains("{{")
    }

    static let pleasantries = ["hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening", "thanks",
                               "thank you", "please", "regards", "best", "cheers",
                               "sorry to bother", "ok", "any update", "urgent"]

    /// "How do I X?" → "you would like to know how to X."; statements → "I understand that …"; nil when the
    /// sentence cannot be turned round safely.
    static func reflect(_ sentence: String) -> String? {
        var text = sentence.replacingOccurrences(of: "’", with: "'").trimmingCharacters(in: .whitespacesAndNewlines)
        let isQuestion = text.hasSuffix("?") || text.range(of: questionStart, options: [.regularExpression, .caseInsensitive]) != nil
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: ".!? "))
        guard !text.isEmpty, !text.contains("{{") else { return nil }
        guard isQuestion else {
            // Only a clause about the customer turns round into a sentence ("my invoice is wrong"); a bare phrase
            // ("creating new premium account") does not.
            let lower = words(text).map { $0.lowercased() }
            guard lower.contains(where: firstPerson.contains) else { return nil }
            // What the customer says the company did ("you charged me twice") would come out as our admission.
            guard !lower.contains(where: { ["you", "your", "yours"].contains($0) }) else { return nil }
            return "I understand that \(lowercasedFirst(swapPersons(text)))."
        }
        let whole = NSRange(text.startIndex..., in: text)
        for (pattern, template) in questions {
            guard let match = pattern.firstMatch(in: text, range: whole), let range = Range(match.range, in: text) else { continue }
            let lead = pattern.replacementString(for: match, in: text, offset: 0, template: template).lowercased()
            let rest = swapPersons(String(text[range.upperBound...]))
            guard !rest.isEmpty else { return nil }
            return "I understand that you would like to know \(lead)\(rest)."
        }
        return nil
    }

    /// The customer speaking of themselves.
    static let firstPerson: Set<String> = ["i", "me", "my", "mine", "we", "us", "our", "ours", "im"]

    /// A question asked without its question mark ("how to switch to the free account").
    static let questionStart = #"^(how|where|when|what|which) (to|do|can|should|could) |^(can|could|may) (i|we) "#

    /// Whether a reply already opens by acknowledging the customer, so no opening line goes before it.
    public static func opensItself(_ reply: String) -> Bool {
        let first = reply.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.lowercased() ?? ""
        return ["i understand", "thank", "hi ", "hello", "dear", "sorry", "i'm sorry", "we're sorry", "i apologi",
                "we apologi", "i'm here to help"].contains { first.hasPrefix($0) }
    }

    /// Questions that turn into "you would like to know …", with what replaces their opening words.
    static let questions: [(NSRegularExpression, String)] = ([
        (#"^(how|where|when|what|which) to "#, "$1 to "),
        (#"^(how|where|when|what) (do|can|should|could) (i|we) "#, "$1 to "),
        (#"^(can|could|may) (i|we) "#, "whether you can "),
        (#"^(is|are) (it|there) "#, "whether $2 $1 "),
        (#"^(can|could|will|would) you "#, "whether we $1 "),
        (#"^do you "#, "whether we "),
    ] as [(String, String)]).map { (try! NSRegularExpression(pattern: $0.0, options: .caseInsensitive), $0.1) }

    /// Swaps first and second person: the customer's "I", "my", "we", "our" become "you", "your"; their "you"
    /// (the company) becomes "we".
    static func swapPersons(_ text: String) -> String {
        var out: [String] = []
        let tokens = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for (i, token) in tokens.enumerated() {
            let core = token.trimmingCharacters(in: .punctuationCharacters)
            let lower = core.lowercased()
            guard let replacement = persons[lower] else { out.append(token); continue }
            var swapped = replacement
            // "you" after a verb or preposition is an object: "charged you" ← "charged me".
            if lower == "you" { swapped = i == 0 || subjectContext(tokens[i - 1]) ? "we" : "us" }
            let cased = core.first?.isUppercase == true && lower != "i" && i == 0 ? swapped.capitalizedFirst : swapped
            out.append(token.replacingOccurrences(of: core, with: cased))
        }
        // Verbs that followed "I" now follow "you".
        return (" " + out.joined(separator: " ") + " ").replacingOccurrences(of: " you am ", with: " you are ")
            .replacingOccurrences(of: " you was ", with: " you were ").trimmingCharacters(in: .whitespaces)
    }

    static let persons: [String: String] = [
        "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're", "im": "you're",
        "i've": "you've", "i'll": "you'll", "i'd": "you'd", "we": "you", "us": "you", "our": "your", "ours": "yours",
        "we're": "you're", "we've": "you've", "we'll": "you'll", "you": "we", "your": "our", "yours": "ours",
        "you're": "we're", "you've": "we've",
    ]

    /// Whether the word before "you" makes it a subject ("and you", "but you", start of a clause).
    static func subjectContext(_ previous: String) -> Bool {
        ["and", "but", "so", "because", "when", "if", "that", "did", "do", "can", "could", "will", "would", "why",
         "how", "since", "as", "or"].contains(previous.lowercased().trimmingCharacters(in: .punctuationCharacters))
            || previous.hasSuffix(",")
    }

    static func words(_ text: String) -> [Substring] { text.split { !$0.isLetter && !$0.isNumber } }

    static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first, first.isUppercase else { return text }
        // Keep acronyms and names that start a sentence in capitals ("SSO", "Orbitask"): lower only "The", "My"…
        let word = text.prefix { $0.isLetter }
        guard word.count > 1, word.dropFirst().allSatisfy(\.isLowercase), commonStarts.contains(word.lowercased()) else { return text }
        return first.lowercased() + text.dropFirst()
    }

    static let commonStarts: Set<String> = ["the", "my", "our", "your", "since", "after", "when", "we", "you", "it", "this",
                                            "there", "every", "all", "none", "nothing", "some", "one", "two", "half",
                                            "today", "yesterday", "last", "a", "an", "no"]
}

private extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
