import Domain
import Embeddings
import Foundation
import TestSupport
import Testing

/// The encoder, loaded once for the suite (90 MB of weights).
private let encoder: SentenceEncoder? = {
    guard let directory = try? ModelLocator.miniLM(root: TestSupport.repositoryRoot) else { return nil }
    return try? SentenceEncoder(modelDirectory: directory)
}()

private struct Reference: Decodable {
    var text: String
    var input_ids: [Int32]
    var embedding: [Float]
}

private func cosine(_ a: [Float], _ b: [Float]) -> Float {
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return dot / (na * nb)
}

@Suite(.enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct SentenceEncoderTests {
    @Test(.enabled(if: TestSupport.hasShared("fixtures/minilm_reference.jsonl"), "../shared/fixtures is absent"))
    func matchesSentenceTransformersOnTheReferenceFixture() throws {
        let encoder = try #require(encoder)
        let url = TestSupport.sharedFile("fixtures/minilm_reference.jsonl")!
        let references = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Reference.self, from: Data($0.utf8)) }
        #expect(references.count == 20)
        let vectors = encoder.encode(references.map(\.text))
        var worst: Float = 1
        for (reference, vector) in zip(references, vectors) {
            #expect(encoder.tokenizer.encode(reference.text) == reference.input_ids, "ids differ for \(reference.text)")
            let similarity = cosine(vector, reference.embedding)
            worst = min(worst, similarity)
            #expect(similarity >= 0.9999, "cosine \(similarity) for \(reference.text)")
        }
        print("MiniLM parity: n=\(references.count), min cosine \(worst)")
    }

    @Test func aTextAloneAndInsideABatchGetTheSameVector() throws {
        let encoder = try #require(encoder)
        let texts = ["short", "A somewhat longer sentence about refunds and charges on my card.", "Où est ma carte ?"]
        let batched = encoder.encode(texts)
        for (text, vector) in zip(texts, batched) {
            let alone = encoder.encode([text])[0]
            #expect(zip(alone, vector).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
            #expect(vector.count == 384)
        }
        #expect(encoder.encode([]).isEmpty)
    }

    @Test func similarMeaningScoresHigherThanUnrelatedText() throws {
        let encoder = try #require(encoder)
        let v = encoder.encode(["I was charged twice for my subscription", "Double billing on my card this month",
                                "How do I change the app's language?"])
        #expect(cosine(v[0], v[1]) > cosine(v[0], v[2]) + 0.2)
    }
}

@Suite(.enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct WordPieceTokenizerTests {
    private var tokenizer: WordPieceTokenizer { encoder!.tokenizer }

    private func tokens(_ text: String) -> [String] {
        let byID = Dictionary(uniqueKeysWithValues: tokenizer.vocabulary.map { ($1, $0) })
        return tokenizer.encode(text).dropFirst().dropLast().map { byID[$0]! }
    }

    @Test func lowercasesStripsAccentsAndSplitsPunctuation() {
        #expect(tokens("Héllo, WORLD!") == ["hello", ",", "world", "!"])
        #expect(tokens("naïve café") == ["naive", "cafe"])
        #expect(tokens("e-mail's") == ["e", "-", "mail", "'", "s"])
    }

    @Test func splitsCJKIdeographsAndUsesWordPieces() {
        #expect(tokens("東京") == ["東", "京"])
        #expect(tokens("unaffable").first == "una" && tokens("unaffable").dropFirst().allSatisfy { $0.hasPrefix("##") })
    }

    @Test func unknownAndOverlongWordsBecomeUNK() {
        #expect(tokens(String(repeating: "a", count: 101)) == ["[UNK]"])
        #expect(tokens("\u{1F600}") == ["[UNK]"])
        #expect(tokens("tab\there\u{0}\u{200B}x") == ["tab", "here", "##x"])  // controls are deleted, not spaces
    }

    @Test func truncatesTo256TokensWithClsAndSep() {
        let ids = tokenizer.encode(String(repeating: "word ", count: 400))
        #expect(ids.count == 256)
        #expect(ids.first == tokenizer.clsID && ids.last == tokenizer.sepID)
    }
}

@Suite struct FastMathTests {
    @Test func erfMatchesLibmAcrossItsRange() {
        var worst: Float = 0
        for i in -6_000...6_000 {
            let x = Float(i) / 1_000
            worst = max(worst, abs(FastMath.erf(x) - Foundation.erf(x)))
        }
        #expect(worst < 4e-7, "max |error| \(worst)")  // a few ulp near ±1
    }
}

@Suite(.enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct EmbeddingBatcherTests {
    @Test func concurrentCallersGetTheVectorsOfTheirOwnTexts() async throws {
        let encoder = try #require(encoder)
        let batcher = EmbeddingBatcher(embedder: encoder, maxBatch: 8)
        let texts = (0..<40).map { "ticket \($0): the desktop app stopped syncing after update \($0 % 7)" }
        let expected = try encoder.embed(texts)
        let vectors = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (i, text) in texts.enumerated() { group.addTask { (i, try await batcher.embed(text)) } }
            var result = [[Float]](repeating: [], count: texts.count)
            for try await (i, vector) in group { result[i] = vector }
            return result
        }
        for (got, want) in zip(vectors, expected) {
            let cosine = zip(got, want).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(cosine > 0.9999)
        }
    }
}
