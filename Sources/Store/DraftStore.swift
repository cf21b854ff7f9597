import Foundation

/// Drafted replies (never sent anywhere: agents review them) and agents' verdicts on them.
public protocol DraftStore: Sendable {
    func saveDraft(_ draft: StoredDraft) async throws
    /// A ticket's drafts, newest first.
    func drafts(ticketExternalID: String, limit: Int) async throws -> [StoredDraft]
    func draft(id: String) async throws -> StoredDraft?
    /// Records feedback on a draft and audits it.
    func saveFeedback(_ feedback: DraftFeedback) async throws
    /// The latest verdict on a draft: the one that counts (analytics and answer usage count one verdict per draft).
    func latestFeedback(draftID: String) async throws -> DraftFeedback?
}
