import Domain
import Routing
import TestSupport
import Testing

/// A router meets vectors of another model: a thrown error naming both widths, never a crash.
@Suite struct RouterEmbeddingMismatchTests {
    static let examples = ["billing": ["charged twice", "refund the charge", "wrong invoice amount", "billed again", "card charged"],
                           "login": ["cannot log in", "password reset", "locked out", "code not arriving", "forgot password"]]
        .sorted { $0.key < $1.key }.flatMap { category, texts in texts.map { RoutingExample(text: $0, category: category, priority: nil) } }

    @Test func aVectorOfAnotherWidthIsRefusedWithBothWidths() throws {
        let large = HashingTestEmbedder(dimension: 384), small = HashingTestEmbedder(dimension: 16)
        let router = try Router.train(Self.examples, embed: large.embed)
        #expect(router.embeddingDimension == 384)
        #expect(try router.checkedRoute("refund please", embedding: large.vector("refund please")).suggestedCategory == "billing")
        #expect(throws: EmbeddingDimensionError.self) { try router.checkedRoute("refund please", embedding: small.vector("refund please")) }
        do {
            try router.checkEmbedding(small.vector("refund please"))
            Issue.record("a 16-d vector passed a 384-d router")
        } catch let error as EmbeddingDimensionError {
            #expect(error.expected == 384 && error.got == 16)
            #expect(error.description.contains("16-d") && error.description.contains("384-d"))
        }
        // Without embeddings the router needs none, and takes no notice of any.
        let plain = try Router.train(Self.examples, embed: nil)
        #expect(plain.embeddingDimension == nil)
        #expect(try plain.checkedRoute("refund please", embedding: small.vector("x")).suggestedCategory == "billing")
    }
}
