import Domain

extension Router {
    /// The width of the sentence embeddings the router was trained on; nil when it uses none.
    public var embeddingDimension: Int? { usesEmbeddings ? categoryModel.denseDimension : nil }

    /// Throws unless `embedding` has the width the router (its linear model, centroids and familiarity check) was
    /// trained on: a vector of another model never reaches the scoring. Nil, or any vector for a router without
    /// embeddings, passes.
    public func checkEmbedding(_ embedding: [Float]?) throws {
        guard usesEmbeddings, let embedding else { return }
        try EmbeddingDimensionError.check(embedding, expected: categoryModel.denseDimension, context: "the router's linear model")
        if let centroids { try EmbeddingDimensionError.check(embedding, expected: centroids.dimension, context: "the router's centroids") }
        if let familiarity {
            try EmbeddingDimensionError.check(embedding, expected: familiarity.dimension, context: "the router's familiarity check")
        }
    }

    /// `route`, after `checkEmbedding`.
    public func checkedRoute(_ text: String, embedding: [Float]?) throws -> RoutingDecision {
        try checkEmbedding(embedding)
        return route(text, embedding: embedding)
    }
}
