import ArgumentParser
import Benchmarks
import Domain
import Foundation

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

    func run() async throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        let output = try await IngestThroughput(file: source.file, format: source.format, mapping: try source.fieldMapping(),
                                                runs: runs, batchSize: batchSize).run()
        let counts = output.counts
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
