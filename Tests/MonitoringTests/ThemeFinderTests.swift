import Domain
import Monitoring
import Testing

@Suite struct ThemeFinderTests {
    @Test func aTopicAbsentFromTheReferenceIsFoundAndNamed() throws {
        var s = Synthetic(seed: 5)
        let topics = ["card arrival delivery", "refund request money", "password reset login", "exchange rate fee"]
        let directions = topics.map { _ in s.direction(32) }
        let newTopic = "crypto wallet transfer", newDirection = s.direction(32)
        func text(_ topic: String, _ i: Int) -> String { "ticket \(i) about \(topic) for customer" }
        var referenceTexts: [String] = [], referenceVectors: [[Float]] = []
        for i in 0..<400 {
            referenceTexts.append(text(topics[i % 4], i))
            referenceVectors.append(s.unitVector(near: directions[i % 4], noise: 0.15))
        }
        var windowTexts: [String] = [], windowVectors: [[Float]] = [], injected: Set<Int> = []
        for i in 0..<200 {
            if i % 5 == 0 {
                injected.insert(windowTexts.count)
                windowTexts.append(text(newTopic, i))
                windowVectors.append(s.unitVector(near: newDirection, noise: 0.15))
            } else {
                windowTexts.append(text(topics[i % 4], i))
                windowVectors.append(s.unitVector(near: directions[i % 4], noise: 0.15))
            }
        }
        var options = ThemeOptions()
        options.clusters = 6
        let report = ThemeFinder.find(referenceTexts: referenceTexts, referenceEmbeddings: referenceVectors,
                                      windowTexts: windowTexts, windowEmbeddings: windowVectors, options: options)
        #expect(report.themes.count == 1, "\(report.themes.map(\.terms))")
        let theme = try #require(report.themes.first)
        #expect(theme.kind == .new && Set(theme.members) == injected)
        #expect(Set(theme.terms.prefix(3)) == ["crypto", "wallet", "transfer"])
        #expect(theme.examples.count == 3 && theme.examples.allSatisfy { $0.contains(newTopic) })

        // The same window without the new topic has no emerging theme.
        let quiet = ThemeFinder.find(referenceTexts: referenceTexts, referenceEmbeddings: referenceVectors,
                                     windowTexts: windowTexts.indices.filter { !injected.contains($0) }.map { windowTexts[$0] },
                                     windowEmbeddings: windowVectors.indices.filter { !injected.contains($0) }.map { windowVectors[$0] },
                                     options: options)
        #expect(quiet.themes.isEmpty, "\(quiet.themes.map(\.terms))")
    }
}
