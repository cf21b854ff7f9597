import ArgumentParser

/// `localtriage bench ...`: repeatable speed measurements.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput, latency and memory.",
        subcommands: [IngestBenchmark.self, SearchBenchmark.self, EmbedBenchmark.self, RouterBenchmark.self]
    )
}
