import Foundation

/// A knowledge-base article. `body` is Markdown; chunk offsets point into it.
public struct Article: Codable, Sendable, Equatable {
    public var externalID: String
    public var title: String
    public var body: String
    public var category: String?
    public var tags: [String]
    public var updatedAt: Date?
    /// Where the article was read from (a file path), for people tracing a source.
    public var source: String?

    public init(
        externalID: String, title: String, body: String, category: String? = nil, tags: [String] = [],
        updatedAt: Date? = nil, source: String? = nil
    ) {
        self.externalID = externalID
        self.title = title
        self.body = body.withUnixLineEndings
        self.category = category
        self.tags = tags
        self.updatedAt = updatedAt
        self.source = source
    }

    /// A digest of the article's content, used to skip unchanged articles and bump the version of edited ones.
    public var contentHash: String {
        ContentHash.sha256([externalID, title, body, category ?? "", tags.joined(separator: "\u{1F}"),
                            updatedAt.map { String($0.timeIntervalSince1970) } ?? ""].joined(separator: "\u{1E}"))
    }
}

/// A passage of an article: `text` is exactly `body[start..<end]`, counted in Unicode scalars (code points).
public struct Chunk: Codable, Sendable, Equatable {
    public var ordinal: Int
    /// The heading path the chunk sits under, e.g. "Reset your password › Common issues".
    public var heading: String
    public var text: String
    public var start: Int
    public var end: Int

    public init(ordinal: Int, heading: String, text: String, start: Int, end: Int) {
        self.ordinal = ordinal
        self.heading = heading
        self.text = text
        self.start = start
        self.end = end
    }
}
