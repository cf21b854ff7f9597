import Domain
import Embeddings
import Foundation

/// Sentence-encoder throughput: one text per call (one caller, then one caller per core), all texts in one call,
/// latency, FLOP/s and peak memory. Reference on these machines: sentence-transformers (PyTorch CPU, 2 threads)
/// 88/s at batch 1, 243/s at batch 32.
public struct EncoderThroughput: Sendable {
    public var encoder: SentenceEncoder
    public var texts: [String]

    public init(encoder: SentenceEncoder, texts: [String]) {
        self.encoder = encoder
        self.texts = texts
    }

    public struct Result: Encodable, Sendable {
        public var benchmark = "embed"
        public var model: String
        public var texts: Int
        public var meanTokens: Double
        public var cores: Int
        /// One text per call, one call at a time (latency-bound: uses one core).
        public var batch1SentencesPerSecond: Double
        /// One text per call, one caller per core (as concurrent API requests would).
        public var batch1ConcurrentSentencesPerSecond: Double
        public var batch1LatencyMs: Percentiles
        public var batchedSentencesPerSecond: Double
        public var batchedGFLOPs: Double
        public var batch1GFLOPs: Double
        public var flopsPerToken: Double
        public var peakResidentMiB: Double
        public var reference = ["sentence-transformers batch 1": 88.0, "sentence-transformers batch 32": 243.0]
        public var build: String
    }

    public func run() -> Result {
        precondition(!texts.isEmpty, "texts to encode")
        let tokens = texts.map { encoder.tokenizer.encode($0).count }
        let totalTokens = Double(tokens.reduce(0, +))
        // Per token: Q, K, V, output (4·h²) and the two feed-forward products (2·h·4h), each 2 FLOPs per MAC, per layer;
        // attention adds 4·T·h per token per layer.
        let h = Double(encoder.dimension), layers = 6.0
        let meanT = totalTokens / Double(texts.count)
        let flopsPerToken = layers * (2 * (4 * h * h + 2 * h * 4 * h) + 4 * meanT * h)

        _ = encoder.encode(Array(texts.prefix(16)))  // warm up
        var latencies: [Double] = []
        let single = ContinuousClock.now
        for text in texts {
            let started = ContinuousClock.now
            _ = encoder.encode([text])
            latencies.append((ContinuousClock.now - started).seconds * 1_000)
        }
        let singleSeconds = (ContinuousClock.now - single).seconds
        let concurrent = ContinuousClock.now
        let cores = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            for text in texts[worker...].enumerated().filter({ $0.offset % cores == 0 }).map(\.element) {
                _ = encoder.encode([text])
            }
        }
        let concurrentSeconds = (ContinuousClock.now - concurrent).seconds
        let batched = ContinuousClock.now
        _ = encoder.encode(texts)
        let batchedSeconds = (ContinuousClock.now - batched).seconds

        return Result(
            model: encoder.identity.key, texts: texts.count, meanTokens: meanT, cores: cores,
            batch1SentencesPerSecond: Double(texts.count) / singleSeconds,
            batch1ConcurrentSentencesPerSecond: Double(texts.count) / concurrentSeconds,
            batch1LatencyMs: Percentiles(latencies),
            batchedSentencesPerSecond: Double(texts.count) / batchedSeconds,
            batchedGFLOPs: totalTokens * flopsPerToken / batchedSeconds / 1e9,
            batch1GFLOPs: totalTokens * flopsPerToken / singleSeconds / 1e9, flopsPerToken: flopsPerToken,
            peakResidentMiB: ResourceUsage.peakResidentMiB, build: BuildInfo.configuration)
    }
}
