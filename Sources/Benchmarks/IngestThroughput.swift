import Domain
import Foundation
import Ingest
import Readers
import Store

/// Ticket ingest throughput and peak memory: the whole file ingested `runs` times, each into a new, empty store in
/// a temporary folder.
public struct IngestThroughput: Sendable {
    public var file: String
    public var format: RecordFormat?
    public var mapping: FieldMapping
    public var runs: Int
    /// Records per transaction.
    public var batchSize: Int

    public init(file: String, format: RecordFormat?, mapping: FieldMapping, runs: Int = 3, batchSize: Int = 500) {
        self.file = file
        self.format = format
        self.mapping = mapping
        self.runs = runs
        self.batchSize = batchSize
    }

    public struct Result: Encodable, Sendable {
        public var benchmark = "ingest.tickets"
        public var file: String
        public var runs: Int
        public var records: Int
        public var counts: IngestCounts
        public var recordsPerSecond: Percentiles
        public var seconds: Percentiles
        public var peakResidentMiB: Double
        public var batchSize: Int
        public var build: String
    }

    public func run() async throws -> Result {
        precondition(runs >= 1, "at least one run")
        var seconds: [Double] = []
        var last: IngestReport?
        for _ in 0..<runs {
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("localtriage-bench-\(UUID())")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: home) }
            let store = try SQLiteStore(home: home)
            let started = ContinuousClock.now
            last = try await Ingestor(store: store, batchSize: batchSize).ingestTickets(path: file, format: format, mapping: mapping)
            seconds.append((ContinuousClock.now - started).seconds)
        }
        let counts = last!.counts
        return Result(file: URL(fileURLWithPath: file).standardizedFileURL.path, runs: runs, records: counts.read,
                      counts: counts, recordsPerSecond: Percentiles(seconds.map { Double(counts.read) / $0 }),
                      seconds: Percentiles(seconds), peakResidentMiB: ResourceUsage.peakResidentMiB, batchSize: batchSize,
                      build: BuildInfo.configuration)
    }
}
