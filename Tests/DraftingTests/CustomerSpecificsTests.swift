@testable import Drafting
import Testing

@Suite struct CustomerSpecificsTests {
    @Test func customerDetailsBecomePlaceholders() {
        let reply = """
            Hi Anna, we found invoice INV-2026-004217 for $40.00 dated 2026-10-03 and order #558812; \
            we'll write to anna.m61@example.com or call +44 20 7946 0958.
            """
        #expect(CustomerSpecifics.templated(reply) == """
            Hi {{Customer Name}}, we found invoice {{Invoice Number}} for {{Amount}} dated {{Date}} and order {{Order Number}}; \
            we'll write to {{Email}} or call {{Phone Number}}.
            """)
    }

    @Test func theNumberAfterTheWordIsTheValueAndProductCodesStay() {
        #expect(CustomerSpecifics.templated("Order number 113542617735902 shipped.") == "Order number {{Order Number}} shipped.")
        #expect(CustomerSpecifics.templated("Invoice no. 20-4471 is paid; 12 EUR was refunded on March 3.")
            == "Invoice no. {{Invoice Number}} is paid; {{Amount}} was refunded on {{Date}}.")
        // Error codes, versions and plain counts are not customer details.
        let product = "Error ORB-SYNC-17 in version 5.2.0 affects 3 devices; it declined 2 times."
        #expect(CustomerSpecifics.templated(product) == product)
    }

    @Test func knownNamesAreFoundAsWholeWordsOnly() {
        #expect(CustomerSpecifics.templated("Thanks Priya, Priyanka's case is separate.", names: ["Priya"])
            == "Thanks {{Customer Name}}, Priyanka's case is separate.")
        #expect(CustomerSpecifics.greetedNames(in: "Dear Mr Okafor,\nyour plan…") == ["Okafor"])
    }

    @Test func anotherCustomersOrderAndInvoiceNumbersBecomeThisTicketsOrPlaceholders() {
        let passage = "Locate order 883301 and invoice INV-2026-000412; the $1 authorisation disappears in 3–5 days."
        #expect(CustomerSpecifics.retargeted(passage, ticketText: "cancel order 113542617735902 please")
            == "Locate order 113542617735902 and invoice {{Invoice Number}}; the $1 authorisation disappears in 3–5 days.")
    }

    @Test func placeholdersAreFilledFromTheTicketWhereItStatesThem() {
        let answer = "Hi {{Customer Name}}, order {{Order Number}} can be cancelled in {{Website Name}} until {{Date}}."
        let filled = CustomerSpecifics.fill(answer, ticketText: "please cancel order 4587345, thanks", customerName: "Marco Rossi")
        #expect(filled.text == "Hi Marco, order 4587345 can be cancelled in {{Website Name}} until {{Date}}.")
        #expect(filled.filled == ["{{Customer Name}}": "Marco", "{{Order Number}}": "4587345"])
        #expect(filled.unfilled == ["{{Website Name}}", "{{Date}}"])
        // An email address is not a name to greet.
        #expect(CustomerSpecifics.fill("Hi {{Customer Name}}", ticketText: "", customerName: "anna@example.com").unfilled == ["{{Customer Name}}"])
    }
}

@Suite struct OpeningLineTests {
    @Test func theProblemIsNamedInTheCustomersWordsTurnedToTheSecondPerson() {
        #expect(OpeningLine.make(subject: "Double charge", body: "Hi, I see two charges of $40 on my card statement for the same month. Please refund one.")
            == "I understand that you see two charges of $40 on your card statement for the same month.")
        #expect(OpeningLine.make(subject: nil, body: "The desktop app stopped syncing after I updated it this morning.")
            == "I understand that the desktop app stopped syncing after you updated it this morning.")
        #expect(OpeningLine.make(subject: nil, body: "We were billed twice for October.")
            == "I understand that you were billed twice for October.")
    }

    @Test func questionsBecomeWhatTheyWouldLikeToKnow() {
        #expect(OpeningLine.make(subject: nil, body: "How do I export all my projects to CSV?")
            == "I understand that you would like to know how to export all your projects to CSV.")
        #expect(OpeningLine.make(subject: nil, body: "Is there a discount for nonprofits?")
            == "I understand that you would like to know whether there is a discount for nonprofits.")
        #expect(OpeningLine.make(subject: nil, body: "Can you add our VAT ID to the last three invoices?")
            == "I understand that you would like to know whether we can add your VAT ID to the last three invoices.")
    }

    @Test func whatCannotBeTurnedRoundFallsBackToTheSubjectOrAThankYou() {
        #expect(OpeningLine.make(subject: "Duplicate payment", body: "why did you charge me 2 times???")
            == "Thank you for getting in touch about “Duplicate payment”.")
        #expect(OpeningLine.make(subject: nil, body: "Hi. Thanks.") == "Thank you for getting in touch.")
        #expect(OpeningLine.make(subject: "Problema", body: "No puedo iniciar sesión desde ayer.", language: "es")
            == "Thank you for getting in touch.")
        // A bare phrase is not a clause to turn round; a question without its mark still is one.
        #expect(OpeningLine.make(subject: nil, body: "creating new premium account") == "Thank you for getting in touch.")
        // "You charged me twice" turned round would be our admission.
        #expect(OpeningLine.make(subject: "Charged twice", body: "Hi, you charged my card twice this month.")
            == "Thank you for getting in touch about “Charged twice”.")
        #expect(OpeningLine.make(subject: nil, body: "how to switch to the free account")
            == "I understand that you would like to know how to switch to the free account.")
    }

    @Test func aReplyThatAcknowledgesTheCustomerGetsNoSecondOpening() {
        #expect(OpeningLine.opensItself("I understand that you need to cancel your order [1].\n1. Open Orders [1]."))
        #expect(OpeningLine.opensItself("\nThank you for reaching out."))
        #expect(!OpeningLine.opensItself("Open Billing and choose Retry payment [1]."))
    }
}

@Suite struct CitingTests {
    @Test func everySentenceOfALineIsCitedAndListMarkersStay() {
        #expect(CitedSentence.citing("1. Choose Retry payment. The invoice is charged at once.", 2)
            == "1. Choose Retry payment [2]. The invoice is charged at once [2].")
        #expect(CitedSentence.splitSentences("12. Open Billing.") == ["12. Open Billing."])
        let parsed = CitedSentence.parse(CitedSentence.citing("To fix it:\n1. Open Billing.\n2. Retry.", 1))
        #expect(parsed.map(\.citations) == [[1], [1], [1]])
    }

    @Test func citationsAreRemovedForTheCustomersCopy() {
        #expect(Draft.withoutCitations("Open Billing [1]. Retry [1, 2].\n1. Go [3].") == "Open Billing. Retry.\n1. Go.")
    }
}
