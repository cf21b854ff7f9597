import Domain
import Foundation
import Testing

@Suite struct CachingEmbedderTests {
    /// Counts what reaches the encoder; its vectors are a deterministic function of the text.
    final class CountingEmbedder: TextEmbedder, @unchecked Sendable {
        let identity = EmbedderIdentity(id: "counting", dimension: 2, revision: nil)
        private let lock = NSLock()
        private(set) var encoded: [String] = []
        func embed(_ texts: [String]) throws -> [[Float]] {
            lock.withLock { encoded += texts }
            return texts.map { [Float($0.count), 1] }
        }
    }

    @Test func eachTextIsEncodedOnceAndVectorsComeBackInOrder() throws {
        let base = CountingEmbedder()
        let cache = CachingEmbedder(base, capacity: 3)
        #expect(try cache.embed(["a", "bb", "a"]) == [[1, 1], [2, 1], [1, 1]])
        #expect(try cache.embed(["bb", "ccc"]) == [[2, 1], [3, 1]])
        #expect(base.encoded == ["a", "bb", "ccc"])
        // Past its capacity the oldest go first.
        _ = try cache.embed(["dddd"])
        _ = try cache.embed(["a", "ccc"])
        #expect(base.encoded == ["a", "bb", "ccc", "dddd", "a"])
    }

    @Test func windowsLineBreaksBecomeNewlines() {
        #expect("1. Open\r\n2. Close\rEnd".withUnixLineEndings == "1. Open\n2. Close\nEnd")
        #expect(Ticket(externalID: "T", body: "a\r\nb", resolution: "c\r\nd").resolution == "c\nd")
    }
}
