import Foundation

/// The check-digit schemes that tell a real identifier from a number of the same shape.
public enum Checksums {
    /// Luhn (payment cards): doubling every second digit from the right, the sum is a multiple of 10.
    public static func luhn(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard values.count == digits.count, !values.isEmpty else { return false }
        var sum = 0
        for (offset, digit) in values.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// The Luhn check digit that completes `digits`.
    public static func luhnCheckDigit(_ digits: String) -> Int {
        (0...9).first { luhn(digits + String($0)) }!
    }

    /// IBAN lengths by country (ISO 13616 registry).
    public static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
        "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
        "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
        "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
        "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
        "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
        "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]

    /// ISO 7064 mod 97-10 over an IBAN without spaces: the country and check digits moved to the end, letters as
    /// 10–35, the number mod 97 is 1.
    public static func ibanValid(_ iban: String) -> Bool {
        let compact = iban.uppercased()
        guard compact.count >= 15, let expected = ibanLengths[String(compact.prefix(2))], compact.count == expected,
            compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return false }
        return mod97(String(compact.dropFirst(4) + compact.prefix(4))) == 1
    }

    /// The number that letters (A = 10 … Z = 35) and digits spell, mod 97.
    public static func mod97(_ text: String) -> Int {
        var remainder = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                remainder = (remainder * 10 + digit) % 97
            } else if let scalar = character.unicodeScalars.first, character.isASCII, character.isLetter {
                let value = Int(scalar.value) - 55  // "A" is 65
                remainder = (remainder * 100 + value) % 97
            }
        }
        return remainder
    }

    /// The two check digits of an IBAN for a country and its basic bank account number.
    public static func ibanCheckDigits(country: String, bban: String) -> String {
        let check = 98 - mod97(bban + country + "00")
        return check < 10 ? "0\(check)" : String(check)
    }

    /// The check letter of a Spanish DNI (8 digits) or NIE (X/Y/Z read as 0/1/2, then 7 digits).
    public static func spanishIDLetter(_ number: String) -> Character? {
        var digits = number.uppercased()
        if let first = digits.first, let lead = ["X": "0", "Y": "1", "Z": "2"][String(first)] { digits = lead + digits.dropFirst() }
        guard digits.count == 8, let value = Int(digits) else { return nil }
        return Array("TRWAGMYFPDXBNJZSQVHLCKE")[value % 23]
    }

    /// A French NIR (social security number, 13 digits and a 2-digit key): key = 97 − (number mod 97); Corsica's
    /// departments 2A/2B read as 19/18.
    public static func frenchNIRValid(_ nir: String) -> Bool {
        let compact = nir.uppercased().filter { !$0.isWhitespace }
        guard compact.count == 15 else { return false }
        let body = String(compact.prefix(13)).replacingOccurrences(of: "2A", with: "19").replacingOccurrences(of: "2B", with: "18")
        guard let number = Int(body), let key = Int(compact.suffix(2)) else { return false }
        return 97 - number % 97 == key
    }

    /// The check digit of a German tax identification number's first ten digits (ISO 7064 mod 11,10).
    public static func germanTaxIDCheckDigit(_ first10: String) -> Int? {
        let digits = first10.compactMap(\.wholeNumberValue)
        guard digits.count == 10 else { return nil }
        var product = 10
        for digit in digits {
            var sum = (digit + product) % 10
            if sum == 0 { sum = 10 }
            product = (sum * 2) % 11
        }
        let check = 11 - product
        return check == 10 ? 0 : check
    }

    /// A German tax id: 11 digits, not starting with 0, the check digit right.
    public static func germanTaxIDValid(_ id: String) -> Bool {
        let compact = id.filter(\.isNumber)
        guard compact.count == 11, compact.first != "0" else { return false }
        return germanTaxIDCheckDigit(String(compact.prefix(10))) == compact.last?.wholeNumberValue
    }

    /// A US Social Security number outside the ranges never issued (area 000, 666, 900–999; group 00; serial 0000).
    public static func ssnValid(area: Int, group: Int, serial: Int) -> Bool {
        area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// Shannon entropy of the characters, in bits per character.
    public static func entropy(_ text: String) -> Double {
        guard !text.isEmpty else { return 0 }
        var counts: [Character: Int] = [:]
        for character in text { counts[character, default: 0] += 1 }
        let n = Double(text.count)
        return counts.values.reduce(0) { total, count in
            let p = Double(count) / n
            return total - p * log2(p)
        }
    }
}
