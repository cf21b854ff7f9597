@testable import Drafting
import Testing

@Suite struct CitedSentenceTests {
    @Test func sentencesAndTheirCitationsAreParsed() {
        let draft = "Open Settings > Security [1]. The link lasts 30 minutes. [2]\nInvoices are in Billing [1, 3][2]! Thanks."
        let sentences = CitedSentence.parse(draft)
        #expect(sentences == [
            CitedSentence(text: "Open Settings > Security.", citations: [1]),
            CitedSentence(text: "The link lasts 30 minutes.", citations: [2]),
            CitedSentence(text: "Invoices are in Billing!", citations: [1, 3, 2]),
            CitedSentence(text: "Thanks.", citations: []),
        ])
    }

    @Test func bracketsThatAreNotCitationsStayText() {
        let sentences = CitedSentence.parse("Press [Enter] to continue [2].")
        #expect(sentences == [CitedSentence(text: "Press [Enter] to continue.", citations: [2])])
    }
}
