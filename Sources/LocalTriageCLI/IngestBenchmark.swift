import ArgumentParser
import Domain
import Foundation
import Ingest
import Readers
import Store

/// `localtriage bench ingest FILE`: ticket ingest throughput and peak memory, each run into a fresh store.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Measure ticket ingest throughput (records/s) and peak memory on a file.",
        discussion: "Each run ingests the whole file into a new, empty store in a temporary folder."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var source: TicketSourceOptions
    @Option(help: "How many runs.") var runs = 3
    @Option(help: "Records per transaction.") var batchSize = 500

    struct Output: Encodable {
        var benchmark = "ingest.tickets"
        var file: String
        var runs: Int
        var records: Int
        var counts: IngestCounts
        var recordsPerSecond: Percentiles
        var seconds: Percentiles
        var peakResidentMiB: Double
        var batchSize: Int
        var build: String
    }

    func run() async throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        var seconds: [Double] = []
        var last: IngestReport?
        for _ in 0..<runs {
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("localtriage-bench-\(UUID())")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: home) }
            let store = try SQLiteStore(home: home)
            let started = ContinuousClock.now
            let report = try await Ingestor(store: store, batchSize: batchSize)
                .ingestTickets(path: source.file, format: source.format, mapping: try source.fieldMapping())
            seconds.append((ContinuousClock.now - started).seconds)
            last = report
        }
        let counts = last!.counts
        let output = Output(
            file: URL(fileURLWithPath: source.file).standardizedFileURL.path, runs: runs, records: counts.read,
            counts: counts, recordsPerSecond: Percentiles(seconds.map { Double(counts.read) / $0 }),
            seconds: Percentiles(seconds), peakResidentMiB: ResourceUsage.peakResidentMiB, batchSize: batchSize,
            build: BuildInfo.configuration)
        if global.json { return try Report.json(output) }
        print("Ingest of \(output.records) records from \(output.file), \(runs) runs (\(output.build) build)")
        print(Report.table([
            ["records/s p50", "records/s best", "seconds p50", "peak RSS MiB", "stored", "quarantined"],
            [String(format: "%.0f", output.recordsPerSecond.p50), String(format: "%.0f", output.recordsPerSecond.max),
             String(format: "%.2f", output.seconds.p50), String(format: "%.1f", output.peakResidentMiB),
             String(counts.stored), String(counts.quarantined)],
        ]))
    }
}

extension Duration {
    /// This duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Facts about this binary that benchmark reports carry.
enum BuildInfo {
    #if DEBUG
    static let configuration = "debug"
    #else
    static let configuration = "release"
    #endif
}
