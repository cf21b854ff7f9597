/// Uses the router's prediction as a prior for retrieval: chunks of articles in the routed category gain
/// `boost × confidence`, so a confident route lifts matching articles and an unsure one barely moves anything.
public enum CategoryBoost {
    /// Re-ranks hits (scores from a [0, 1]-normalised blend) best first.
    public static func apply(_ hits: [SearchHit], category: String, confidence: Double, boost: Double) -> [SearchHit] {
        hits.map { hit -> SearchHit in
            var boosted = hit
            if hit.category == category { boosted.score += boost * confidence }
            return boosted
        }
        .enumerated()
        .sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
        .map(\.element)
    }
}
