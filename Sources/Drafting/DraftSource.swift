/// A numbered passage the draft may cite as `[n]`: a KB chunk, a similar resolved ticket's resolution, or an
/// approved answer of the library.
public struct DraftSource: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case article, ticket
        /// An approved answer (its placeholders filled from the ticket).
        case answer
    }
    /// The `n` of `[n]`, from 1.
    public var number: Int
    public var kind: Kind
    /// `<article id>#<chunk id>` for a chunk, the ticket's external id for a ticket, the answer's id for an answer.
    public var reference: String
    public var title: String
    /// The whole passage, as checked against (a prompt may show the model a shorter excerpt).
    public var text: String

    public init(number: Int, kind: Kind, reference: String, title: String, text: String) {
        self.number = number
        self.kind = kind
        self.reference = reference
        self.title = title
        self.text = text
    }
}
