/// Data-quality checks on the texts themselves: empty bodies, the language mix, the length distribution.
public enum TextChecks {
    /// Words in a text (runs of letters or digits), the length measure the checks use.
    public static func wordCount(_ text: String) -> Int {
        text.split { !$0.isLetter && !$0.isNumber }.count
    }

    /// True for a body with nothing but whitespace.
    public static func isEmpty(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }

    /// The three checks, plus the language shares for plots. The language check counts texts guessed to be
    /// in a language other than the reference's most common one (undetermined texts count as neither).
    public static func checks(reference: [String], window: [String], options: DriftOptions)
        -> (checks: [DriftCheck], languages: CategoricalComparison)
    {
        let empty = ProportionShift.check("empty-text", what: "empty", reference: reference.map(isEmpty),
                                          window: window.map(isEmpty), options: options)
        let referenceLanguages = reference.map(LanguageGuess.guess), windowLanguages = window.map(LanguageGuess.guess)
        let languages = CategoricalComparison(reference: referenceLanguages, window: windowLanguages)
        let main = languages.rows.filter { $0.category != "und" }.max { $0.reference < $1.reference }?.category ?? "en"
        func foreign(_ language: String) -> Bool { language != main && language != "und" }
        var language = ProportionShift.check("language", what: "not \(main)", reference: referenceLanguages.map(foreign),
                                             window: windowLanguages.map(foreign), options: options)
        language.method = "two-proportion-z (script + common words)"
        let nonEmpty = { (texts: [String]) in texts.filter { !isEmpty($0) }.map { Double(wordCount($0)) } }
        var length = NumericShift.check("length", reference: nonEmpty(reference), window: nonEmpty(window), options: options)
        length.detail = "words per text: " + length.detail
        return ([empty, language, length], languages)
    }
}
