import Domain
import Foundation

/// Ingest runs: batches committed atomically, resumable after a crash, with their quarantine of bad records.
public protocol IngestStore: Sendable {
    /// Starts an ingest run for a source, or resumes the interrupted (`running`) run over identical content.
    /// A fresh run over changed content clears the quarantine entries of the source's older content.
    func beginIngest(kind: IngestKind, source: String, sourceHash: String) async throws -> IngestRun

    /// Commits a batch atomically: upserts its records, quarantines its bad ones, and advances the run.
    /// Returns the run as it stands after the batch.
    @discardableResult
    func commit(_ batch: IngestBatch) async throws -> IngestRun

    /// Marks a run completed and writes an audit event for it.
    @discardableResult
    func finishIngest(runID: Int64, actor: String) async throws -> IngestRun
    /// Closes a run as completed; `notes` (how the input was read: an encoding fallback, an ignored column) go
    /// into its audit entry.
    func finishIngest(runID: Int64, actor: String, notes: [String]) async throws -> IngestRun

    func quarantined(source: String?, limit: Int) async throws -> [QuarantinedRecord]
    func ingestRuns(limit: Int) async throws -> [IngestRun]
}
