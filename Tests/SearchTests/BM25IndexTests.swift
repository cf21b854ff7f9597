import Foundation
import Search
import Testing

@Suite struct KeywordAnalyzerTests {
    private let analyzer = KeywordAnalyzer()

    @Test func foldsCaseAndAccentsDropsStopWordsAndStems() {
        #expect(analyzer.terms("The Café's REFUNDS were charged twice!") == ["cafe", "s", "refund", "were", "charg", "twice"])
        #expect(analyzer.terms("Crème brûlée, naïve résumé") == ["creme", "brule", "naiv", "resum"])
        #expect(analyzer.terms("error ORB-503 on v5.2") == ["error", "orb", "503", "v5", "2"])
    }

    @Test func splitsCJKIntoUnigramsAndBigrams() {
        #expect(analyzer.terms("東京駅") == ["東", "京", "東京", "駅", "京駅"])
        #expect(analyzer.terms("login 失敗") == ["login", "失", "敗", "失敗"])
    }
}

@Suite struct BM25IndexTests {
    @Test func matchesTheOkapiFormulaOnAHandComputedExample() {
        var index = BM25Index()
        index.add(id: 10, text: "refund refund card")
        index.add(id: 20, text: "card declined")
        index.add(id: 30, text: "password reset link")
        let hits = index.search("refund", k: 3)
        #expect(hits.map(\.id) == [10])
        // N = 3, df = 1: idf = ln(1 + 2.5/1.5); tf = 2, |d| = 3, avgdl = 8/3.
        let idf = log(1 + 2.5 / 1.5)
        let norm = 1.2 * (1 - 0.75 + 0.75 * 3 / (8.0 / 3))
        #expect(abs(Double(hits[0].score) - idf * 2 * 2.2 / (2 + norm)) < 1e-5)
    }

    @Test func ranksByRelevanceAndFilters() {
        var index = BM25Index()
        index.add(id: 1, text: "How to reset your password from the login page")
        index.add(id: 2, text: "Refunds for duplicate card charges")
        index.add(id: 3, text: "Password policy: at least twelve characters")
        #expect(index.search("I forgot my password, how do I reset it?", k: 3).map(\.id) == [1, 3])
        #expect(index.search("password", k: 3, allowed: { $0 != 1 }).map(\.id) == [3])
        #expect(index.search("the and of", k: 3).isEmpty)
        #expect(index.search("", k: 3).isEmpty && index.count == 3)
    }
}
