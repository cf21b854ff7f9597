import Foundation
import Testing

@testable import Privacy

private let detector = PersonalDataDetector()

/// The one span of `text`, as (type, text).
private func found(_ text: String) -> [String] {
    detector.spans(in: text).map { "\($0.type.rawValue): \($0.text)" }
}

@Suite struct ChecksumTests {
    @Test func luhnAcceptsRealCardNumbersAndRejectsATypo() {
        #expect(Checksums.luhn("4111111111111111"))
        #expect(Checksums.luhn("378282246310005"))
        #expect(!Checksums.luhn("4111111111111112"))
        #expect(Checksums.luhn("411111111111111" + String(Checksums.luhnCheckDigit("411111111111111"))))
    }

    @Test func ibanNeedsItsCountryLengthAndMod97() {
        #expect(Checksums.ibanValid("DE89370400440532013000"))
        #expect(Checksums.ibanValid("GB82WEST12345698765432"))
        #expect(Checksums.ibanValid("FR1420041010050500013M02606"))
        #expect(!Checksums.ibanValid("DE89370400440532013001"), "one digit changed")
        #expect(!Checksums.ibanValid("DE8937040044053201300"), "one character short for DE")
        #expect(Checksums.ibanCheckDigits(country: "DE", bban: "370400440532013000") == "89")
    }

    @Test func spanishAndFrenchAndGermanIdentifiersCarryTheirCheck() {
        #expect(Checksums.spanishIDLetter("12345678") == "Z")
        #expect(Checksums.spanishIDLetter("X1234567") == "L")
        #expect(Checksums.frenchNIRValid("1 84 12 76 451 089 46"))
        #expect(!Checksums.frenchNIRValid("1 84 12 76 451 089 47"))
        #expect(Checksums.germanTaxIDValid("86095742719"))
        #expect(!Checksums.germanTaxIDValid("86095742718"))
    }

    @Test func ssnRangesNeverIssuedAreInvalid() {
        #expect(Checksums.ssnValid(area: 123, group: 45, serial: 6789))
        for (area, group, serial) in [(0, 12, 3456), (666, 12, 3456), (912, 12, 3456), (123, 0, 3456), (123, 45, 0)] {
            #expect(!Checksums.ssnValid(area: area, group: group, serial: serial))
        }
    }
}

@Suite struct PersonalDataDetectorTests {
    @Test(arguments: [
        ("Please write to anna.schmidt@web.de today.", "email: anna.schmidt@web.de"),
        ("cc J.Smith+support@northwind.co.uk please", "email: J.Smith+support@northwind.co.uk"),
        ("Call me on (415) 555-0132.", "phone: (415) 555-0132"),
        ("My mobile is +44 7700 900123.", "phone: +44 7700 900123"),
        ("Rufen Sie mich unter 030 12345678 an.", "phone: 030 12345678"),
        ("Tel.: +49 (0)171 2345678", "phone: +49 (0)171 2345678"),
        ("Merci de me rappeler au 06.12.34.56.78.", "phone: 06.12.34.56.78"),
        ("Mi móvil es el 612 34 56 78.", "phone: 612 34 56 78"),
        ("Llamadme al 612345678, por favor.", "phone: 612345678"),
        ("Charged twice on 4111 1111 1111 1111.", "card: 4111 1111 1111 1111"),
        ("Amex 3782-822463-10005 declined", "card: 3782-822463-10005"),
        ("Unsere IBAN lautet DE89 3704 0044 0532 0130 00.", "iban: DE89 3704 0044 0532 0130 00"),
        ("Refund to GB82WEST12345698765432 please", "iban: GB82WEST12345698765432"),
        ("Re: order SO9516763 Our IBAN is de89370400440532013000 for it", "iban: de89370400440532013000"),
        ("Blocked from 203.0.113.42 all day.", "ip_address: 203.0.113.42"),
        ("The server 2001:db8::8a2e:370:7334 refuses.", "ip_address: 2001:db8::8a2e:370:7334"),
        ("Ship it to 1600 Amherst Street, Apt 4B, Springfield, IL 62704.", "address: 1600 Amherst Street, Apt 4B, Springfield, IL 62704"),
        ("Send it to 221B Baker Street, London NW1 6XE.", "address: 221B Baker Street, London NW1 6XE"),
        ("Lieferadresse: Berliner Straße 12, 10115 Berlin", "address: Berliner Straße 12, 10115 Berlin"),
        ("Adresse : 12 rue de la Paix, 75002 Paris", "address: 12 rue de la Paix, 75002 Paris"),
        ("Enviad el repuesto a C/ Gran Vía 28, 3º B, 28013 Madrid.", "address: C/ Gran Vía 28, 3º B, 28013 Madrid"),
        ("My SSN is 123-45-6789.", "national_id: 123-45-6789"),
        ("NI number AB 12 34 56 C", "national_id: AB 12 34 56 C"),
        ("The form asked for GE106537D and then failed.", "national_id: GE106537D"),
        ("DNI/NIE: X1234567L", "national_id: X1234567L"),
        ("Mi documento es 12345678Z.", "national_id: 12345678Z"),
        ("N° de sécurité sociale : 1 84 12 76 451 089 46", "national_id: 1 84 12 76 451 089 46"),
        ("Steuer-ID: 86 095 742 719", "national_id: 86 095 742 719"),
        ("password: Summer2024!", "secret: Summer2024!"),
        ("mein Passwort ist Bayern#1900", "secret: Bayern#1900"),
        ("contraseña: hola1234", "secret: hola1234"),
        ("mot de passe : Soleil-77", "secret: Soleil-77"),
        ("key sk-proj-abcdefghijklmnopqrstuvwxyz0123 leaked", "secret: sk-proj-abcdefghijklmnopqrstuvwxyz0123"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789 is ours", "secret: ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("AWS AKIAIOSFODNN7EXAMPLE", "secret: AKIAIOSFODNN7EXAMPLE"),
        ("Authorization: Bearer abcDEF123456ghiJKL789", "secret: abcDEF123456ghiJKL789"),
        ("api_key=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "secret: 9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ])
    func findsEachKindInItsFormats(text: String, expected: String) {
        #expect(found(text) == [expected], "\(text)")
    }

    @Test func findsAJSONWebToken() {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTYifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        #expect(found("token \(jwt) expired") == ["secret: \(jwt)"])
    }

    @Test(arguments: [
        "Order ORD-2024-88123 never arrived.", "Sync fails with ORB-SYNC-17.", "Error E1234 on start.", "I'm on v2.14.3.",
        "Windows build 10.0.19045", "version 4.2.1.7 of the app", "I was billed €1,234.56.", "Refund of $1 234 missing.",
        "Total: 1.234,56 €", "Since 2024-03-15 14:30.", "Seit dem 15.03.2024 geht es nicht.", "On 03/15/2024 at 10:15:30.",
        "Follow-up to T-1042 and ORB-10046.", "Same as #48213 and INC0012345.", "Tracking: 1Z999AA10123456784",
        "Parcel 4021 3388 1020 5567 is stuck.", "Parcel 9400 1000 0000 0000 0000 00 is stuck.", "We imported 612345678 rows.",
        "We have 250 seats and 4815162342 tasks.", "Reference DE89 3704 0044 0532 0130 01 is unknown.", "Form rejected 666-12-3456.",
        "Reset password: open Settings > Security and choose Reset password.", "My password is not working.",
        "Das Passwort zurücksetzen geht nicht.", "The token expired yesterday.", "Sync runs at 09:00–17:30.",
        "Error 0x80070005 again", "HTTP 503 from the API",
    ])
    func leavesLookAlikesAlone(text: String) {
        #expect(found(text).isEmpty, "\(text)")
    }

    @Test func overlapsGoToTheMoreSpecificKind() {
        // An IBAN's digits would also read as a phone number; a card's groups as a Spanish one.
        #expect(found("IBAN ES91 2100 0418 4502 0005 1332") == ["iban: ES91 2100 0418 4502 0005 1332"])
        #expect(found("tel. card 6011 1111 1111 1117") == ["card: 6011 1111 1111 1117"])
        let spans = detector.spans(in: "Mail a@b.de, call +1 415 555 0132, IP 10.0.0.1")
        #expect(spans.map(\.type) == [.email, .phone, .ipAddress])
        #expect(zip(spans, spans.dropFirst()).allSatisfy { $0.range.upperBound <= $1.range.lowerBound })
    }

    @Test func onlyTheChosenTypesAreLookedFor() {
        let emailsOnly = PersonalDataDetector(types: [.email])
        #expect(emailsOnly.spans(in: "a@b.de and 4111 1111 1111 1111").map(\.type) == [.email])
    }
}

@Suite struct RedactorTests {
    @Test func redactingARedactedTextChangesNothing() {
        var redactor = Redactor()
        let once = redactor.redact("password: Sommer2024! and sk-proj-abcdefghijklmnopqrstuvwxyz0123, IBAN DE89 3704 0044 0532 0130 00")
        #expect(once == "password: [SECRET_1] and [SECRET_2], IBAN [IBAN_1]")
        #expect(redactor.redact(once) == once)
    }

    @Test func placeholdersAreNumberedPerTypeAndTheSameValueKeepsItsPlaceholder() {
        var redactor = Redactor()
        let first = redactor.redact("I'm anna@web.de, card 4111 1111 1111 1111, backup bob@web.de.")
        let second = redactor.redact("Again: ANNA@web.de and 4111-1111-1111-1111.")
        #expect(first == "I'm [EMAIL_1], card [CARD_1], backup [EMAIL_2].")
        #expect(second == "Again: [EMAIL_1] and [CARD_1].")
        #expect(redactor.mapping == ["[EMAIL_1]": "anna@web.de", "[EMAIL_2]": "bob@web.de", "[CARD_1]": "4111 1111 1111 1111"])
    }

    @Test func restorePutsEchoedPlaceholdersBackAnywhereAndLeavesUnknownOnes() {
        var redactor = Redactor()
        _ = redactor.redact("Call +44 20 7946 0958 or write to anna@web.de.")
        let reply = "[EMAIL_1]: we will call [PHONE_1] ([PHONE_1]) and not [PHONE_9] or [CARD_1]; see [1].[EMAIL_1]"
        #expect(
            redactor.restore(reply)
                == "anna@web.de: we will call +44 20 7946 0958 (+44 20 7946 0958) and not [PHONE_9] or [CARD_1]; see [1].anna@web.de")
    }

    @Test func aStreamedReplyIsRestoredEvenWhenAPlaceholderIsSplitAcrossPieces() {
        var redactor = Redactor()
        _ = redactor.redact("anna@web.de")
        var restorer = Redactor.StreamRestorer(redactor)
        let pieces = ["Hello [", "EMA", "IL_", "1] and [1", "] and [x] done [EMAIL_"]
        var output = pieces.map { restorer.take($0) }.joined()
        output += restorer.finish()
        #expect(output == "Hello anna@web.de and [1] and [x] done [EMAIL_")
    }
}
