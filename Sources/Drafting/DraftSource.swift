/// A numbered passage the draft may cite as `[n]`: a KB chunk or a similar resolved ticket's resolution.
public struct DraftSource: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case article, ticket }
    /// The `n` of `[n]`, from 1.
    public var number: Int
    public var kind: Kind
    /// `<article id>#<chunk id>` for a chunk, the ticket's external id for a ticket.
    public var reference: String
    public var title: String
    /// The passage exactly as given to the model, and checked against.
    public var text: String

    public init(number: Int, kind: Kind, reference: String, title: String, text: String) {
        self.number = number
        self.kind = kind
        self.reference = reference
        self.title = title
        self.text = text
    }
}
