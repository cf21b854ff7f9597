import Foundation

/// What a change-feed entry is about.
public enum ChangeKind: String, Sendable, CaseIterable {
    /// A ticket: its row or one of its vectors (`itemID` is the ticket's row id).
    case ticket
    /// A knowledge-base chunk: its row, its article's category, or one of its vectors (the chunk's row id).
    case chunk
    /// A saved answer or one of its examples (the answer's row id).
    case answer
}

/// One item that changed: read its current state to apply it (no longer there means deleted).
public struct StoreChange: Sendable, Equatable {
    /// Grows with every change, in commit order.
    public var sequence: Int64
    public var kind: ChangeKind
    public var itemID: Int64

    public init(sequence: Int64, kind: ChangeKind, itemID: Int64) {
        self.sequence = sequence
        self.kind = kind
        self.itemID = itemID
    }
}

/// The changes made to tickets, the knowledge base and saved answers, by any process, in commit order: what
/// in-memory indexes and caches follow instead of reloading everything.
public protocol ChangeFeed: Sendable {
    /// Items of `kind` changed after `sequence`, oldest first, at most `limit`. An item changed several times
    /// appears once, at its latest change.
    func changes(_ kind: ChangeKind, since sequence: Int64, limit: Int) async throws -> [StoreChange]
    /// The sequence number of the latest change of `kind` (0 before any).
    func latestChange(_ kind: ChangeKind) async throws -> Int64
}
