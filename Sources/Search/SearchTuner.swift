import Domain
import Foundation
import Store

/// Chooses how hybrid search blends keyword (BM25) and dense results for one knowledge base, from pseudo-queries
/// made from the KB itself: no labelled queries are used.
///
/// - **Pseudo-queries.** A seeded sample of up to `sampleSize` chunks. Each gives a *sentence query* (its first
///   sentence of at least four words that is not a heading), and each distinct article among them a *title query*
///   (its title). Each query's relevant item is its own article.
/// - **Not answerable by exact overlap alone.** Words are dropped at random (each with probability `dropRate`;
///   at least two kept), and the query's source is *held out* of its own article before searching: the title is
///   removed from every chunk's heading path and text, the sentence from every chunk that holds it. Those chunks are
///   scored in that held-out form (BM25 with the index's own statistics, dense by embedding the held-out text);
///   every other chunk is searched as indexed. Left in, both modes find the article by the verbatim overlap and
///   the choice would say nothing about real questions, which describe what an article says in other words.
///   Words are not shuffled: BM25 ignores order, so shuffling would only handicap the dense side.
/// - **Choice.** Each candidate (convex keyword weights `grid`, and reciprocal rank fusion) is scored by the mean
///   of R@5 and MRR@10 at the article level over the pseudo-queries, with the depth the product fuses at. The best
///   convex weight wins, ties (within 0.5 / n) going to the weight closest to `defaultWeight`; RRF is taken only
///   when it beats that by more than `rrfMargin`.
/// - **Small KBs and cost.** Under `minimumChunks` chunks (or with fewer than `minimumQueries` pseudo-queries) the
///   default is kept and nothing is embedded: the demo KB (82 chunks, 118 pseudo-queries) put weights 0.2–0.4
///   within 0.005 of each other, differences the sample cannot tell apart. Held-out chunks are embedded again,
///   at most `heldOutBudget` of them (a KB of long articles then gets fewer title queries), so the choice costs
///   about as much as embedding a KB of a few hundred chunks, whatever its size.
public struct SearchTuner: Sendable {
    /// Part of the KB digest: a change to how the choice is made invalidates recorded choices.
    public static let version = "search-tuner-1"
    /// Seeds the chunk sample and the word drops: the same KB gets the same choice.
    public var seed: UInt64 = 14
    /// Chunks sampled; each gives up to two pseudo-queries.
    public var sampleSize = 200
    /// Chance that a query word is dropped.
    public var dropRate = 0.3
    /// Convex keyword weights tried.
    public var grid: [Double] = (0...10).map { Double($0) / 10 }
    /// The weight kept for small KBs, and the one ties go towards.
    public var defaultWeight = Fusion.defaultKeywordWeight
    /// How much better (objective) RRF must be than the best convex weight to be chosen.
    public var rrfMargin = 0.01
    /// Fewer pseudo-queries than this: the default is kept.
    public var minimumQueries = 50
    /// Fewer chunks than this: the default is kept without sampling.
    public var minimumChunks = 100
    /// Most held-out chunk texts embedded for one choice.
    public var heldOutBudget = 1_000
    /// Candidates taken from each side before fusing (as `HybridRetriever`).
    public var depth = 50

    public init() {}

    /// The digest a choice is recorded under: the tuner's version, the embedding model and every chunk's indexed
    /// text, in order.
    public static func kbHash(texts: [String], model: String) -> String {
        ContentHash.sha256(texts: [version, model] + texts)
    }

    /// The choice recorded for this KB state, or a new one, recorded before it is returned.
    public func settings(keyword: MemoryKeywordRetriever, dense: DenseRetriever, kbHash: String) async throws
        -> SearchSettings {
        if let recorded = try await keyword.store.searchSettings(kbHash: kbHash) { return recorded }
        let chosen = try await choose(keyword: keyword, dense: dense, kbHash: kbHash)
        try await keyword.store.saveSearchSettings(chosen)
        return chosen
    }

    /// Chooses the settings from pseudo-queries (not recorded).
    public func choose(keyword: MemoryKeywordRetriever, dense: DenseRetriever, kbHash: String) async throws
        -> SearchSettings {
        let queries = keyword.index.count < minimumChunks
            ? [] : try await pseudoQueries(store: keyword.store, ids: keyword.index.ids)
        let fallback = SearchSettings(kbHash: kbHash, model: dense.embedder.identity.key, method: "convex",
                                      keywordWeight: defaultWeight, pseudoQueries: queries.count,
                                      chunks: keyword.index.count)
        guard queries.count >= minimumQueries else { return fallback }
        let candidates = try await candidateLists(queries, keyword: keyword, dense: dense)

        func objective(_ fusion: Fusion) -> Double {
            var total = 0.0
            for (query, lists) in zip(queries, candidates) {
                var seen = Set<String>()
                let ranked = fusion.fuse(keyword: lists.keyword, dense: lists.dense)
                    .compactMap { lists.articles[$0.key] }.filter { seen.insert($0).inserted }
                if let rank = ranked.prefix(10).firstIndex(of: query.article) {
                    total += ((rank < 5 ? 1 : 0) + 1 / Double(rank + 1)) / 2
                }
            }
            return total / Double(queries.count)
        }
        var scores: [String: Double] = [:]
        let convex = grid.map { weight in
            let value = objective(.convex(keywordWeight: weight))
            scores["convex:" + String(format: "%.2f", weight)] = value
            return (weight: weight, value: value)
        }
        let top = convex.map(\.value).max() ?? 0
        let tolerance = 0.5 / Double(queries.count)
        let best = convex.filter { $0.value >= top - tolerance }
            .min { abs($0.weight - defaultWeight) < abs($1.weight - defaultWeight) }!
        let rrf = objective(.reciprocalRank(k: 60))
        scores["rrf"] = rrf
        return SearchSettings(kbHash: kbHash, model: dense.embedder.identity.key,
                              method: rrf > best.value + rrfMargin ? "rrf" : "convex",
                              keywordWeight: best.weight, pseudoQueries: queries.count, chunks: keyword.index.count,
                              candidates: scores)
    }

    /// A pseudo-query: its text, its article, and the article's chunks whose indexed text changes once the
    /// query's source is held out (by ordinal, as indexed: heading path, newline, text).
    struct PseudoQuery {
        var text: String
        var article: String
        var heldOut: [(ordinal: Int, text: String)]
    }

    func pseudoQueries(store: any SearchStore, ids: [Int64]) async throws -> [PseudoQuery] {
        var random = SeededRandom(seed: seed)
        let sampled = Array(ids.shuffled(using: &random).prefix(sampleSize))
        let hits = try await store.chunkHits(ids: sampled)
        var chunksByArticle: [String: [Chunk]] = [:]
        var queries: [PseudoQuery] = []
        let analyzer = KeywordAnalyzer()
        var budget = heldOutBudget
        func add(_ source: String, article: String, heldOut: [(ordinal: Int, text: String)]) {
            guard heldOut.count <= budget, let text = dropWords(source, random: &random),
                  !analyzer.terms(text).isEmpty else { return }
            budget -= heldOut.count
            queries.append(PseudoQuery(text: text, article: article, heldOut: heldOut))
        }
        for id in sampled {
            guard let hit = hits[id] else { continue }
            let article = hit.articleID
            let chunks: [Chunk]
            if let known = chunksByArticle[article] {
                chunks = known
            } else {
                chunks = try await store.chunks(articleExternalID: article)
                chunksByArticle[article] = chunks
                add(hit.articleTitle, article: article, heldOut: Self.holdOut(title: hit.articleTitle, from: chunks))
            }
            if let sentence = Self.firstSentence(of: hit.chunk.text, title: hit.articleTitle) {
                add(sentence, article: article, heldOut: Self.holdOut(sentence: sentence, from: chunks))
            }
        }
        return queries
    }

    /// The text with each word dropped with probability `dropRate`, at least two words (or all, if fewer) kept.
    func dropWords(_ text: String, random: inout SeededRandom) -> String? {
        let words = text.split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { return nil }
        var keep = words.indices.filter { _ in Double.random(in: 0..<1, using: &random) >= dropRate }
        var rest = words.indices.filter { !keep.contains($0) }.shuffled(using: &random)
        while keep.count < min(2, words.count), let next = rest.popLast() { keep.append(next) }
        return keep.sorted().map { String(words[$0]) }.joined(separator: " ")
    }

    /// The first sentence of at least four words that is not a heading line or the title.
    static func firstSentence(of text: String, title: String) -> String? {
        var sentences: [String] = []
        var current = ""
        for character in text {
            if character == "\n" {
                sentences.append(current)
                current = ""
                continue
            }
            current.append(character)
            if ".?!".contains(character) {
                sentences.append(current)
                current = ""
            }
        }
        sentences.append(current)
        return sentences.lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { sentence in
            !sentence.hasPrefix("#") && sentence.split(whereSeparator: \.isWhitespace).count >= 4
                && sentence.caseInsensitiveCompare(title) != .orderedSame
        }
    }

    static func indexed(_ chunk: Chunk) -> String { chunk.heading + "\n" + chunk.text }

    /// The chunks as indexed with the title taken out of their heading paths and text; only those that change.
    static func holdOut(title: String, from chunks: [Chunk]) -> [(ordinal: Int, text: String)] {
        chunks.compactMap { chunk in
            let heading = chunk.heading.components(separatedBy: " › ").filter { $0 != title }.joined(separator: " › ")
            let text = chunk.text.replacingOccurrences(of: title, with: " ", options: .caseInsensitive)
            let heldOut = heading + "\n" + text
            return heldOut == indexed(chunk) ? nil : (chunk.ordinal, heldOut)
        }
    }

    /// The chunks as indexed with the sentence taken out; only those that held it.
    static func holdOut(sentence: String, from chunks: [Chunk]) -> [(ordinal: Int, text: String)] {
        chunks.compactMap { chunk in
            chunk.text.contains(sentence)
                ? (chunk.ordinal, chunk.heading + "\n" + chunk.text.replacingOccurrences(of: sentence, with: " "))
                : nil
        }
    }

    /// One pseudo-query's keyword and dense candidates (best first, `depth` each) and the article of every key:
    /// the query's held-out chunks replace their indexed versions, under negative keys.
    struct Lists {
        var keyword: [(key: Int64, score: Double)]
        var dense: [(key: Int64, score: Double)]
        var articles: [Int64: String]
    }

    func candidateLists(_ queries: [PseudoQuery], keyword: MemoryKeywordRetriever, dense: DenseRetriever)
        async throws -> [Lists] {
        let queryVectors = try await dense.embedder.embedOffPool(queries.map(\.text))
        let heldOutVectors = try await dense.embedder.embedOffPool(queries.flatMap { $0.heldOut.map(\.text) })
        var raw: [(keyword: [(id: Int64, score: Float)], dense: [(id: Int64, score: Float)])] = []
        var ids = Set<Int64>()
        for (query, vector) in zip(queries, queryVectors) {
            let extra = query.heldOut.count
            let kw = keyword.index.search(query.text, k: depth + extra)
            let dn = try await dense.store.nearest(.chunk, to: vector, model: dense.embedder.identity.key, k: depth + extra,
                                                   filter: .none).map { (id: $0.id, score: $0.similarity) }
            raw.append((kw, dn))
            ids.formUnion(kw.map(\.id))
            ids.formUnion(dn.map(\.id))
        }
        var chunkOf: [Int64: (article: String, ordinal: Int)] = [:]
        let all = Array(ids)
        for start in stride(from: 0, to: all.count, by: 500) {
            for (id, hit) in try await keyword.store.chunkHits(ids: Array(all[start..<min(start + 500, all.count)])) {
                chunkOf[id] = (hit.articleID, hit.chunk.ordinal)
            }
        }
        var lists: [Lists] = []
        var offset = 0
        for (i, query) in queries.enumerated() {
            let replaced = Set(query.heldOut.map(\.ordinal))
            func kept(_ id: Int64) -> Bool {
                guard let chunk = chunkOf[id] else { return false }
                return !(chunk.article == query.article && replaced.contains(chunk.ordinal))
            }
            var articles: [Int64: String] = [:]
            var kw = raw[i].keyword.filter { kept($0.id) }.map { (key: $0.id, score: Double($0.score)) }
            var dn = raw[i].dense.filter { kept($0.id) }.map { (key: $0.id, score: Double($0.score)) }
            for item in kw + dn { articles[item.key] = chunkOf[item.key]!.article }
            for (j, heldOut) in query.heldOut.enumerated() {
                let key = Int64(-1 - j)
                articles[key] = query.article
                let score = Double(keyword.index.score(query.text, text: heldOut.text))
                if score > 0 { kw.append((key, score)) }
                let vector = heldOutVectors[offset + j]
                dn.append((key, Double(zip(queryVectors[i], vector).reduce(Float(0)) { $0 + $1.0 * $1.1 })))
            }
            offset += query.heldOut.count
            lists.append(Lists(keyword: Self.best(kw, depth), dense: Self.best(dn, depth), articles: articles))
        }
        return lists
    }

    /// The k highest-scoring entries, best first (ties keep list order).
    static func best(_ list: [(key: Int64, score: Double)], _ k: Int) -> [(key: Int64, score: Double)] {
        Array(list.enumerated().sorted {
            $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset
        }.map(\.element).prefix(k))
    }
}

extension SearchSettings {
    /// The fusion these settings stand for.
    public var fusion: Fusion {
        method == "rrf" ? .reciprocalRank(k: 60) : .convex(keywordWeight: keywordWeight)
    }
}
