/// A record set aside because it failed validation: where it came from, why, and its raw text.
///
/// Entries are keyed by `record` (the record's position in the input), not by line: two records on one line (a
/// minified JSON array) are two entries, each with its own reason and raw text.
public struct QuarantinedRecord: Error, Codable, Sendable, Equatable {
    public var source: String
    public var line: Int
    /// The record's 1-based position among all the records of the ingest's input (0 when not known).
    public var record: Int
    public var reason: String
    public var raw: String

    public init(source: String, line: Int, record: Int = 0, reason: String, raw: String) {
        self.source = source
        self.line = line
        self.record = record
        self.reason = reason
        self.raw = raw
    }
}
