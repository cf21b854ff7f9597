/// A cheap language guess for monitoring the language mix (not for routing): the script of the letters, and
/// for Latin script the language whose most common words occur most often. Short texts with none of those
/// words are `und` (undetermined).
public enum LanguageGuess {
    private static let commonWords: [(String, Set<String>)] = [
        ("en", ["the", "and", "is", "to", "of", "my", "i", "you", "it", "in", "for", "not", "can", "how", "what", "do", "have", "was", "this", "with", "why", "am", "are"]),
        ("es", ["el", "la", "los", "las", "de", "que", "y", "en", "un", "una", "es", "por", "para", "mi", "no", "con", "como", "cuenta", "tarjeta"]),
        ("fr", ["le", "la", "les", "de", "des", "et", "est", "un", "une", "je", "mon", "ma", "pas", "pour", "que", "dans", "avec", "compte", "carte"]),
        ("de", ["der", "die", "das", "und", "ist", "nicht", "ich", "mein", "meine", "ein", "eine", "zu", "mit", "wie", "auf", "für", "konto", "karte"]),
        ("pt", ["o", "os", "de", "que", "e", "não", "um", "uma", "meu", "minha", "para", "com", "como", "conta", "cartão", "é"]),
        ("it", ["il", "lo", "gli", "di", "che", "e", "non", "un", "una", "mio", "mia", "per", "con", "come", "conto", "carta", "è"]),
        ("nl", ["de", "het", "een", "en", "is", "niet", "ik", "mijn", "van", "met", "hoe", "wat", "rekening", "kaart"]),
    ]

    /// `en`, `es`, `fr`, `de`, `pt`, `it`, `nl`, `latin-other`, a script name (`cjk`, `cyrillic`, `arabic`,
    /// `greek`, `hebrew`, `devanagari`, `other-script`), or `und` when there are no letters or no clue.
    public static func guess(_ text: String) -> String {
        var scripts: [String: Int] = [:]
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            scripts[script(of: scalar), default: 0] += 1
        }
        guard let (top, _) = scripts.max(by: { $0.value < $1.value }) else { return "und" }
        guard top == "latin" else { return top }
        let words = text.lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
        let scored = commonWords.map { language, list in (language, words.filter(list.contains).count) }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return words.count >= 8 ? "latin-other" : "und" }
        return best.0
    }

    private static func script(of scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0041...0x024F, 0x1E00...0x1EFF: return "latin"
        case 0x0370...0x03FF: return "greek"
        case 0x0400...0x052F: return "cyrillic"
        case 0x0590...0x05FF: return "hebrew"
        case 0x0600...0x06FF, 0x0750...0x077F: return "arabic"
        case 0x0900...0x097F: return "devanagari"
        default: return scalar.isCJK ? "cjk" : "other-script"
        }
    }
}
