import Domain
import Foundation
import Search
import Store

/// Mines candidate answers from resolved tickets: resolutions that say the same thing (their embeddings at least
/// `groupingSimilarity` apart, customer details turned into placeholders first) form a group; the group's most
/// central resolution is its canonical answer, without the sentences that report what was done for that one
/// customer or promise what no policy backs (kept aside for the lead). The miner also calibrates the match
/// threshold on the same tickets: leaving each ticket out of the examples, the lowest request similarity at
/// which the best-matching answer would have been right — the ticket's own resolution groups with it — for at
/// least `targetPrecision` of the tickets at or above it.
public struct AnswerMiner: Sendable {
    /// A resolved ticket as the miner reads it.
    public struct Resolved: Sendable {
        public var externalID: String
        public var subject: String?
        /// Subject and body: what a new ticket is matched against.
        public var text: String
        public var resolution: String
        public var customer: String?
        public var category: String?
        /// The embedding of `text`.
        public var vector: [Float]

        public init(externalID: String, subject: String?, text: String, resolution: String, customer: String?,
                    category: String?, vector: [Float]) {
            self.externalID = externalID
            self.subject = subject
            self.text = text
            self.resolution = resolution
            self.customer = customer
            self.category = category
            self.vector = vector
        }
    }

    public let embedder: any TextEmbedder
    public let claims: ClaimDetector?
    /// Resolutions at least this similar say the same thing (Chatwoot groups FAQ candidates at 0.7; a support
    /// team's replies to one problem are usually closer than that).
    public var groupingSimilarity: Float = 0.85
    /// Tickets a group needs before it becomes a candidate.
    public var minimumGroup = 2
    /// The share of matched answers that must be right at the calibrated threshold.
    public var targetPrecision = 0.9
    /// Whether a knowledge-base passage backs a claim (then the sentence may stay in the answer).
    public var backing: (@Sendable (String, Claim) async throws -> Bool)?

    public init(embedder: any TextEmbedder, claims: ClaimDetector?) {
        self.embedder = embedder
        self.claims = claims
    }

    /// What a mining run found.
    public struct Result: Sendable {
        public var answers: [NewAnswer]
        public var calibration: AnswerCalibration
        /// Groups dropped because nothing was left once their claims were withheld.
        public var emptied: Int
    }

    public func mine(_ tickets: [Resolved]) async throws -> Result {
        let templates = tickets.map { CustomerSpecifics.templated($0.resolution, names: $0.customer.map(Self.names) ?? []) }
        let resolutionVectors = try await embedder.embedOffPool(templates)
        let groups = try Self.group(resolutionVectors, similarity: groupingSimilarity, minimum: minimumGroup)
        var answers: [NewAnswer] = [], medoids: [Int] = [], emptied = 0
        for members in groups {
            let medoid = Self.medoid(of: members, vectors: resolutionVectors)
            let (body, withheld) = try await withholdClaims(Self.canonical(medoid, of: members, tickets: tickets))
            guard body.split(separator: " ").count >= 3 else { emptied += 1; continue }
            answers.append(NewAnswer(
                title: Self.title(of: members, tickets: tickets), body: body,
                category: Self.mostCommon(members.compactMap { tickets[$0].category }), withheld: withheld,
                examples: members.map { AnswerExample(answerID: "", ticketExternalID: tickets[$0].externalID, text: tickets[$0].text,
                                                      vector: tickets[$0].vector, model: embedder.identity.key) }))
            medoids.append(medoid)
        }
        let calibration = try calibrate(tickets: tickets, resolutionVectors: resolutionVectors, answers: answers, medoids: medoids)
        return Result(answers: answers, calibration: calibration, emptied: emptied)
    }

    /// The text without its unbacked claims, and those claims with why they were left out. Claims are judged
    /// per clause (sentences split at ";" and ", so"): "Annual plans get a prorated refund, so we have refunded
    /// the unused part" keeps its policy.
    func withholdClaims(_ text: String) async throws -> (String, [String]) {
        guard let claims else { return (text, []) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let clauses = lines.map { line in
            CitedSentence.splitSentences(line).map { sentence in
                sentence.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ", so ", with: "; so ")
                    .components(separatedBy: "; ").filter { !$0.isEmpty }
            }
        }
        let found = try claims.claims(clauses.flatMap { $0.flatMap { $0 } })
        var index = 0, withheld: [String] = [], kept: [String] = []
        for (line, sentences) in zip(lines, clauses) {
            var keptSentences: [String] = []
            for sentence in sentences {
                var keptClauses: [String] = [], dropped = false
                for clause in sentence {
                    defer { index += 1 }
                    if let claim = found[index], !(try await backing?(clause, claim) ?? false) {
                        withheld.append("\(clause) — \(claim.kind == .report ? "reports what was done for that customer" : "promises what no policy backs")")
                        dropped = true
                    } else if dropped, Self.pointsBack(clause) {
                        // "…refunded it in full; it takes 5–10 days to appear": the clause speaks of what was withheld.
                        withheld.append("\(clause) — speaks of the clause withheld before it")
                    } else {
                        keptClauses.append(clause)
                        dropped = false
                    }
                }
                guard !keptClauses.isEmpty else { continue }
                var joined = keptClauses.joined(separator: "; ")
                if let last = joined.last, !".!?:".contains(last) { joined += "." }
                keptSentences.append(joined.prefix(1).uppercased() + joined.dropFirst())
            }
            if sentences.isEmpty { kept.append(line) } else if !keptSentences.isEmpty { kept.append(keptSentences.joined(separator: " ")) }
        }
        let body = kept.joined(separator: "\n").replacingOccurrences(of: "\n\n\n", with: "\n\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (body, withheld)
    }

    /// The medoid's resolution with the details that differ between the group's tickets as placeholders; a detail
    /// most of the group's resolutions repeat ("a $1 authorisation", "no-reply@…") belongs to the answer itself.
    static func canonical(_ medoid: Int, of members: [Int], tickets: [Resolved]) -> String {
        let text = tickets[medoid].resolution
        let found = CustomerSpecifics.find(in: text, names: tickets[medoid].customer.map(names) ?? [])
        let specifics = found.filter { item in
            item.kind == .name || 2 * members.filter { tickets[$0].resolution.contains(item.value) }.count <= members.count
        }
        return CustomerSpecifics.replacing(specifics.map { ($0.range, $0.kind.placeholder) }, in: text)
    }

    /// Whether a clause opens with a word that refers to the one before it.
    static func pointsBack(_ clause: String) -> Bool {
        let first = clause.split(separator: " ").first?.lowercased().trimmingCharacters(in: .punctuationCharacters) ?? ""
        return ["it", "this", "that", "they", "these", "those", "which", "so", "then"].contains(first)
    }

    /// Greedy grouping around the densest resolutions: the resolution with the most unassigned neighbours and those
    /// neighbours form a group, until no resolution has `minimum - 1` unassigned neighbours.
    static func group(_ vectors: [[Float]], similarity: Float, minimum: Int) throws -> [[Int]] {
        guard let dimension = vectors.first?.count else { return [] }
        var index = VectorIndex(dimension: dimension)
        index.reserveCapacity(vectors.count)
        for (i, vector) in vectors.enumerated() { try index.add(id: Int64(i), vector: vector) }
        let neighbours = try vectors.indices.map { i in
            try index.similarities(to: vectors[i]).enumerated().filter { $0.offset != i && $0.element >= similarity }.map(\.offset)
        }
        var assigned = [Bool](repeating: false, count: vectors.count)
        var groups: [[Int]] = []
        for i in vectors.indices.sorted(by: { (neighbours[$0].count, $1) > (neighbours[$1].count, $0) }) where !assigned[i] {
            let members = [i] + neighbours[i].filter { !assigned[$0] }
            guard members.count >= minimum else { continue }
            for m in members { assigned[m] = true }
            groups.append(members.sorted())
        }
        return groups
    }

    /// The member most similar on average to the others.
    static func medoid(of members: [Int], vectors: [[Float]]) -> Int {
        members.max { a, b in
            members.reduce(Float(0)) { $0 + dot(vectors[a], vectors[$1]) } < members.reduce(Float(0)) { $0 + dot(vectors[b], vectors[$1]) }
        }!
    }

    /// The subject of the member closest to the group's mean request; else the start of that request.
    static func title(of members: [Int], tickets: [Resolved]) -> String {
        var mean = [Float](repeating: 0, count: tickets[members[0]].vector.count)
        for m in members { for (d, x) in tickets[m].vector.enumerated() { mean[d] += x } }
        let central = members.max { dot(tickets[$0].vector, mean) < dot(tickets[$1].vector, mean) }!
        if let subject = tickets[central].subject, !subject.isEmpty { return String(subject.prefix(120)) }
        let words = tickets[central].text.split(whereSeparator: \.isWhitespace).prefix(10).joined(separator: " ")
        return CustomerSpecifics.templated(words)
    }

    static func mostCommon(_ values: [String]) -> String? {
        Dictionary(grouping: values, by: { $0 }).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
    }

    /// A customer field's names ("Anna Müller" → both), none for an email address.
    static func names(_ customer: String) -> [String] {
        customer.contains("@") ? [] : customer.split(separator: " ").map(String.init).filter { $0.count >= 2 }
    }

    /// Two trials per resolved ticket. In the library: its best answer among the other tickets' examples — right
    /// when that answer's canonical resolution is as close to the ticket's own resolution as the library's closest
    /// canonical is, within the grouping tolerance (1 − grouping similarity): where replies are templates that is
    /// the ticket's own group, where agents word the same answer differently any answer saying it as well counts.
    /// Novel: its best answer once its own group's answer is taken away, as for a kind of ticket the library does
    /// not answer yet — a match there is wrong unless another answer says the same thing. The threshold is the
    /// lowest score at which the first trials' matches are right `targetPrecision` of the time and at most
    /// `1 − targetPrecision` of the novel tickets get a wrong answer.
    func calibrate(tickets: [Resolved], resolutionVectors: [[Float]], answers: [NewAnswer], medoids: [Int]) throws -> AnswerCalibration {
        var examples = VectorIndex(dimension: tickets.first?.vector.count ?? 1)
        var exampleOwner: [Int] = [], exampleTicket: [String] = [], ownAnswer: [String: Int] = [:]
        for (a, answer) in answers.enumerated() {
            for example in answer.examples {
                try examples.add(id: Int64(exampleOwner.count), vector: example.vector)
                exampleOwner.append(a)
                exampleTicket.append(example.ticketExternalID ?? "")
                if let id = example.ticketExternalID { ownAnswer[id] = a }
            }
        }
        var inLibrary: [(score: Float, right: Bool)] = [], novel: [(score: Float, right: Bool)] = []
        if examples.count > 0 {
            for (t, ticket) in tickets.enumerated() {
                let similarities = try examples.similarities(to: ticket.vector)
                let closest = medoids.map { dot(resolutionVectors[t], resolutionVectors[$0]) }.max() ?? 1
                let good = closest - (1 - groupingSimilarity)
                func best(_ allowed: (Int) -> Bool) -> (score: Float, right: Bool)? {
                    var choice = -1, score = -Float.infinity
                    for (e, s) in similarities.enumerated() where s > score && allowed(e) { (choice, score) = (e, s) }
                    guard choice >= 0 else { return nil }
                    return (score, dot(resolutionVectors[t], resolutionVectors[medoids[exampleOwner[choice]]]) >= good)
                }
                if let own = ownAnswer[ticket.externalID] {
                    if let trial = best({ exampleTicket[$0] != ticket.externalID }) { inLibrary.append(trial) }
                    if let trial = best({ exampleOwner[$0] != own }) { novel.append(trial) }
                } else if let trial = best({ _ in true }) {
                    novel.append(trial)
                }
            }
        }
        let choice = Self.threshold(inLibrary: inLibrary, novel: novel, targetPrecision: targetPrecision)
        return AnswerCalibration(
            threshold: choice.threshold, targetPrecision: targetPrecision, precision: choice.precision,
            coverage: inLibrary.isEmpty ? 0 : Double(choice.covered) / Double(inLibrary.count),
            novelFalseMatchRate: novel.isEmpty ? nil : choice.novelFalseMatchRate, n: inLibrary.count, novel: novel.count,
            resolutions: tickets.count, groups: answers.count, groupingSimilarity: Double(groupingSimilarity),
            model: embedder.identity.key, minedAt: Date())
    }

    /// The chosen threshold and what it gives: precision and coverage in the library, wrong answers to novel tickets.
    struct ThresholdChoice: Equatable {
        var threshold: Double
        var precision: Double?
        var covered: Int
        var novelFalseMatchRate: Double
    }

    /// The lowest score meeting both conditions (over at least 10 matches in the library); 1 — nothing matches —
    /// when none does.
    static func threshold(inLibrary: [(score: Float, right: Bool)], novel: [(score: Float, right: Bool)],
                          targetPrecision: Double) -> ThresholdChoice {
        let sorted = inLibrary.sorted { $0.score > $1.score }
        let novelWrong = novel.filter { !$0.right }.map(\.score).sorted(by: >)
        var right = 0, wrongNovel = 0, choice = ThresholdChoice(threshold: 1, precision: nil, covered: 0, novelFalseMatchRate: 0)
        for (k, item) in sorted.enumerated() {
            right += item.right ? 1 : 0
            // Ties share a threshold: decide after the last of them.
            if k + 1 < sorted.count, sorted[k + 1].score == item.score { continue }
            while wrongNovel < novelWrong.count, novelWrong[wrongNovel] >= item.score { wrongNovel += 1 }
            let precision = Double(right) / Double(k + 1)
            let falseMatches = novel.isEmpty ? 0 : Double(wrongNovel) / Double(novel.count)
            if k + 1 >= 10, precision >= targetPrecision, falseMatches <= 1 - targetPrecision {
                choice = ThresholdChoice(threshold: Double(item.score), precision: precision, covered: k + 1, novelFalseMatchRate: falseMatches)
            }
        }
        return choice
    }
}

extension AnswerMiner {
    /// Mines the store's resolved tickets into candidates and saves them with the calibration (audited as `actor`).
    /// Tickets without a vector are embedded first; a claim stays in an answer when `knowledgeBase` has a passage
    /// that backs it.
    public func mine(store: any DraftingStore, knowledgeBase: (any Retriever)?, actor: String) async throws
        -> (summary: MinedAnswersSummary, result: Result) {
        try await EmbeddingIndexer(store: store, embedder: embedder).indexMissing(.ticket)
        let tickets = try await store.resolvedTickets(model: embedder.identity.key).compactMap { ticket, vector in
            vector.map { Resolved(externalID: ticket.externalID, subject: ticket.subject, text: ticket.text,
                                  resolution: ticket.resolution ?? "", customer: ticket.customer, category: ticket.category, vector: $0) }
        }
        var miner = self
        if let knowledgeBase {
            let verifier = CitationVerifier(embedder: embedder)
            miner.backing = { sentence, claim in
                for hit in try await knowledgeBase.search(sentence, k: 3, filter: SearchFilter()) {
                    let text = hit.chunk.text
                    if try await offPool({ try verifier.backs(claim, sentence: sentence, article: text) }) { return true }
                }
                return false
            }
        }
        let result = try await miner.mine(tickets)
        let summary = try await store.saveMinedAnswers(result.answers, calibration: result.calibration, actor: actor)
        return (summary, result)
    }
}
