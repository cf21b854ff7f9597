import Domain
import Foundation
import Ingest
import Readers
import Search
import Store
import TestSupport
import Testing

@Suite struct RetrievalEvaluatorTests {
    @Test func scoresKeywordSearchAtTheArticleLevel() async throws {
        let dir = try TestSupport.temporaryDirectory("retrieval")
        let corpus = dir.appendingPathComponent("corpus.jsonl")
        try """
            {"id": "faq1", "question": "How do I delete my account?", "answers": ["Open settings and choose delete account."]}
            {"id": "faq2", "question": "Why was my card declined?", "answers": ["Cards are declined when the bank refuses the charge."]}
            {"id": "faq3", "question": "Can I export my data?", "answers": ["Use the export button to download a CSV."]}
            """.write(to: corpus, atomically: true, encoding: .utf8)
        let queriesFile = dir.appendingPathComponent("queries.jsonl")
        try """
            {"qid": "q1", "query": "remove my account permanently", "gold_id": "faq1"}
            {"qid": "q2", "query": "bank declined my card", "gold_id": "faq2"}
            {"qid": "q3", "query": "download everything as csv", "relevant_kb_articles": ["faq3", "faq1"]}
            """.write(to: queriesFile, atomically: true, encoding: .utf8)

        let store = try SQLiteStore(home: dir)
        _ = try await Ingestor(store: store).ingestKnowledgeBase(path: corpus.path)
        let queries = try JudgedQueryReader.read(path: queriesFile.path)
        #expect(queries.map(\.relevant) == [["faq1"], ["faq2"], ["faq3", "faq1"]])

        let scores = try await RetrievalEvaluator().evaluate(KeywordRetriever(store: store), queries: queries)
        #expect(scores.mode == "bm25-fts" && scores.n == 3)
        // q1 and q2 find their article first; q3 finds faq3 first, and faq1 not at all: recall 1/2.
        #expect(scores.recallAt1 == (1 + 1 + 0.5) / 3)
        #expect(scores.mrrAt10 == 1)
        #expect(scores.recallAt10 == (1 + 1 + 0.5) / 3)
        // The hit rate counts q3 whole: one of its relevant articles is in the top 1.
        #expect(scores.hitRateAt1 == 1 && scores.hitRateAt10 == 1)

        let misnamed = dir.appendingPathComponent("misnamed.jsonl")
        try #"{"q": "remove my account", "answer": "faq1"}"#.write(to: misnamed, atomically: true, encoding: .utf8)
        let error = try #require(throws: (any Error).self) { try JudgedQueryReader.read(path: misnamed.path) }
        let message = "\(error)"
        #expect(message.contains("query/text/question") && message.contains("gold_id/relevant_kb_articles")
            && message.contains("this one has answer, q"), "\(message)")
    }
}
