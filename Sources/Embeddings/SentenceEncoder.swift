import CBLAS
import Domain
import Foundation

/// all-MiniLM-L6-v2 run in-process: WordPiece, the 6-layer BERT encoder on OpenBLAS, mean pooling over the
/// tokens, L2 normalisation. Matches sentence-transformers (ids exactly, cosine ≥ 0.9999).
///
/// A batch is packed without padding: the linear layers (almost all the work) run as one matrix product over
/// every token of every text, attention runs per text. Texts are grouped by length.
public final class SentenceEncoder: TextEmbedder {
    public let tokenizer: WordPieceTokenizer
    public let dimension: Int
    public let maxLength: Int
    /// The model's name from the folder (`ModelName`), its width, and the revision of model.safetensors.
    public let identity: EmbedderIdentity
    private let weights: BertWeights

    /// Loads the model from a folder holding `model.safetensors`, `vocab.txt` and `config.json`.
    public init(modelDirectory: URL, maxLength: Int = 256, tokensPerPack: Int = 512) throws {
        self.tokensPerPack = tokensPerPack
        let config = try BertConfig(url: modelDirectory.appendingPathComponent("config.json"))
        tokenizer = try WordPieceTokenizer(vocabularyURL: modelDirectory.appendingPathComponent("vocab.txt"))
        let weightsURL = modelDirectory.appendingPathComponent("model.safetensors")
        weights = try BertWeights(tensors: SafeTensors(url: weightsURL), config: config)
        dimension = config.hiddenSize
        self.maxLength = min(maxLength, config.maxPositions)
        identity = EmbedderIdentity(id: ModelName.of(modelDirectory), dimension: config.hiddenSize,
                                    revision: try EmbedderIdentity.revision(ofWeightsAt: weightsURL))
        // Parallelism comes from packs running on separate cores; BLAS threads would only spin between them.
        openblas_set_num_threads(1)
    }

    /// Tokens per matrix product when packing a batch: large enough for BLAS to run near peak.
    public let tokensPerPack: Int

    public func embed(_ texts: [String]) throws -> [[Float]] { encode(texts) }

    /// One unit vector per text, in order. Texts are grouped longest first into packs of about
    /// `tokensPerPack` tokens; packs run concurrently, one per core, each with single-threaded BLAS.
    public func encode(_ texts: [String]) -> [[Float]] {
        let ids = texts.map { tokenizer.encode($0, maxLength: maxLength) }
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        var packs: [[Int]] = []
        var tokens = 0
        for index in order {
            if packs.isEmpty || tokens + ids[index].count > tokensPerPack {
                packs.append([])
                tokens = 0
            }
            packs[packs.count - 1].append(index)
            tokens += ids[index].count
        }
        var result = [[Float]](repeating: [], count: texts.count)
        result.withUnsafeMutableBufferPointer { output in
            let output = output
            // One pack: split each layer over the cores instead. Several: one pack per core.
            let split = packs.count == 1
            Parallel.forEach(count: packs.count) { p in
                // Each index belongs to exactly one pack, so the writes never overlap.
                for (index, vector) in zip(packs[p], forward(packs[p].map { ids[$0] }, split: split)) {
                    output[index] = vector
                }
            }
        }
        return result
    }

    /// The encoder over several token sequences packed into one [tokens × hidden] matrix.
    private func forward(_ sequences: [[Int32]], split: Bool) -> [[Float]] {
        let h = dimension
        let lengths = sequences.map(\.count)
        let offsets = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
        let n = offsets.last!
        var x = [Float](repeating: 0, count: n * h)
        // Embeddings: word + position + token type 0, then LayerNorm.
        for (s, sequence) in sequences.enumerated() {
            for (position, id) in sequence.enumerated() {
                let row = (offsets[s] + position) * h
                let word = Int(id) * h, pos = position * h
                for j in 0..<h {
                    x[row + j] = weights.wordEmbeddings[word + j] + weights.positionEmbeddings[pos + j]
                        + weights.tokenTypeEmbeddings[j]
                }
            }
        }
        layerNorm(&x, rows: n, weights.embeddingNorm)

        let qkvWidth = 3 * h
        var qkv = [Float](repeating: 0, count: n * qkvWidth)
        var context = [Float](repeating: 0, count: n * h), attention = context
        var intermediate = [Float](repeating: 0, count: n * weights.intermediateSize)
        for layer in weights.layers {
            linear(x, rows: n, layer.queryKeyValue, into: &qkv, split: split)
            attend(qkv, lengths: lengths, offsets: offsets, into: &context)
            linear(context, rows: n, layer.attentionOutput, into: &attention, split: split)
            add(&attention, x)
            layerNorm(&attention, rows: n, layer.attentionNorm)
            linear(attention, rows: n, layer.intermediate, into: &intermediate, split: split)
            gelu(&intermediate)
            linear(intermediate, rows: n, layer.output, into: &x, split: split)
            add(&x, attention)
            layerNorm(&x, rows: n, layer.outputNorm)
        }

        // Mean pooling over each text's tokens, then L2 normalisation.
        return lengths.indices.map { s in
            var pooled = [Float](repeating: 0, count: h)
            for t in offsets[s]..<offsets[s + 1] {
                for j in 0..<h { pooled[j] += x[t * h + j] }
            }
            let norm = pooled.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let divisor = norm > 0 ? norm : 1
            return pooled.map { $0 / divisor }
        }
    }

    /// Scaled dot-product attention of every head of every sequence; `qkv` rows are [query | key | value].
    /// Plain loops over 32-wide heads (the compiler vectorises them); far cheaper than tiny BLAS calls here.
    private func attend(_ qkv: [Float], lengths: [Int], offsets: [Int], into context: inout [Float]) {
        let h = dimension, heads = weights.heads, headSize = h / heads, width = 3 * h
        precondition(headSize == 32, "attention is written for 32-wide heads")
        let scale = 1 / Float(headSize).squareRoot()
        let maxLength = lengths.max() ?? 0
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: maxLength)
        let accumulated = UnsafeMutablePointer<Float>.allocate(capacity: headSize)
        defer { scores.deallocate(); accumulated.deallocate() }
        qkv.withUnsafeBufferPointer { qp in
            context.withUnsafeMutableBufferPointer { cp in
                let base = qp.baseAddress!, out = cp.baseAddress!
                for (s, length) in lengths.enumerated() {
                    let first = offsets[s]
                    for head in 0..<heads {
                        for i in 0..<length {
                            let q = base + (first + i) * width + head * headSize
                            var high = -Float.infinity
                            for j in 0..<length {
                                let k = base + (first + j) * width + h + head * headSize
                                var dot: Float = 0
                                for d in 0..<32 { dot += q[d] * k[d] }
                                scores[j] = dot * scale
                                high = max(high, scores[j])
                            }
                            var sum: Float = 0
                            for j in 0..<length {
                                scores[j] = exp(scores[j] - high)
                                sum += scores[j]
                            }
                            accumulated.initialize(repeating: 0, count: 32)
                            for j in 0..<length {
                                let v = base + (first + j) * width + 2 * h + head * headSize
                                let p = scores[j]
                                for d in 0..<32 { accumulated[d] += p * v[d] }
                            }
                            let inverse = 1 / sum
                            let o = out + (first + i) * h + head * headSize
                            for d in 0..<32 { o[d] = accumulated[d] * inverse }
                        }
                    }
                }
            }
        }
    }

    /// out = input · Wᵀ + b for a [rows × in] input and a PyTorch-layout [out × in] weight. With `split`, the
    /// output columns are divided between the cores (each half packs only its half of the weights).
    private func linear(_ input: [Float], rows: Int, _ layer: Linear, into output: inout [Float], split: Bool) {
        let outCount = layer.outputs, inCount = layer.inputs
        input.withUnsafeBufferPointer { ip in layer.weight.withUnsafeBufferPointer { wp in
            layer.bias.withUnsafeBufferPointer { bp in output.withUnsafeMutableBufferPointer { op in
                let (input, weight, bias, out) = (ip.baseAddress!, wp.baseAddress!, bp.baseAddress!, op.baseAddress!)
                let parts = split ? Parallel.cores : 1
                Parallel.forEach(count: parts) { part in
                    let first = outCount * part / parts, last = outCount * (part + 1) / parts
                    for r in 0..<rows {
                        (out + r * outCount + first).update(from: bias + first, count: last - first)
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(last - first),
                                Int32(inCount), 1, input, Int32(inCount), weight + first * inCount, Int32(inCount), 1,
                                out + first, Int32(outCount))
                }
            } }
        } }
    }

    private func add(_ x: inout [Float], _ y: [Float]) {
        x.withUnsafeMutableBufferPointer { xp in y.withUnsafeBufferPointer { yp in
            cblas_saxpy(Int32(xp.count), 1, yp.baseAddress, 1, xp.baseAddress, 1)
        } }
    }

    private func layerNorm(_ x: inout [Float], rows: Int, _ norm: Norm) {
        let h = dimension
        x.withUnsafeMutableBufferPointer { xp in
            let base = xp.baseAddress!
            for r in 0..<rows {
                let row = base + r * h
                var mean: Float = 0
                for j in 0..<h { mean += row[j] }
                mean /= Float(h)
                var variance: Float = 0
                for j in 0..<h { let d = row[j] - mean; variance += d * d }
                variance /= Float(h)
                let inverse = 1 / (variance + norm.epsilon).squareRoot()
                for j in 0..<h { row[j] = (row[j] - mean) * inverse * norm.weight[j] + norm.bias[j] }
            }
        }
    }

    /// BERT's exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)), with a vectorisable erf.
    private func gelu(_ x: inout [Float]) {
        x.withUnsafeMutableBufferPointer { xp in
            let base = xp.baseAddress!
            for i in 0..<xp.count {
                let v = base[i]
                base[i] = 0.5 * v * (1 + FastMath.erf(v * 0.70710678118654752))
            }
        }
    }
}

/// Float functions written so the compiler can vectorise loops over them.
public enum FastMath {
    /// erf(x) as a rational function (the single-precision approximation of Eigen and XLA): odd numerator of
    /// degree 13 over even denominator of degree 8 on [-4, 4], where float erf is otherwise ±1. Within a few
    /// ulp of libm's erff.
    @inline(__always)
    public static func erf(_ value: Float) -> Float {
        let x = min(max(value, -4), 4)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        p *= x
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return p / q
    }
}

/// Runs independent work items on the machine's cores.
enum Parallel {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` for 0..<count, spread over the cores (on the calling thread when count is 1).
    static func forEach(count: Int, _ body: (Int) -> Void) {
        guard count > 1, cores > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
        }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The model hyper-parameters read from `config.json`.
struct BertConfig {
    var hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int, maxPositions: Int, epsilon: Float

    init(url: URL) throws {
        guard let data = try? Data(contentsOf: url),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let hidden = json["hidden_size"] as? Int, let layers = json["num_hidden_layers"] as? Int,
              let heads = json["num_attention_heads"] as? Int, let intermediate = json["intermediate_size"] as? Int,
              let positions = json["max_position_embeddings"] as? Int else {
            throw EmbeddingsError("cannot read a BERT config from \(url.path)")
        }
        guard (json["hidden_act"] as? String ?? "gelu") == "gelu", hidden % heads == 0 else {
            throw EmbeddingsError("unsupported BERT config in \(url.path)")
        }
        (hiddenSize, self.layers, self.heads, intermediateSize, maxPositions) = (hidden, layers, heads, intermediate, positions)
        epsilon = Float(json["layer_norm_eps"] as? Double ?? 1e-12)
    }
}

struct Linear {
    var weight: [Float]
    var bias: [Float]
    var inputs: Int
    var outputs: Int

    init(_ tensors: SafeTensors, _ prefix: String, inputs: Int, outputs: Int) throws {
        weight = try tensors.floats(prefix + ".weight", shape: [outputs, inputs])
        bias = try tensors.floats(prefix + ".bias", shape: [outputs])
        self.inputs = inputs
        self.outputs = outputs
    }
}

extension Linear {
    /// One layer computing several layers' outputs side by side.
    init(stacking parts: [Linear]) {
        weight = parts.flatMap(\.weight)
        bias = parts.flatMap(\.bias)
        inputs = parts[0].inputs
        outputs = parts.reduce(0) { $0 + $1.outputs }
    }
}

struct Norm {
    var weight: [Float]
    var bias: [Float]
    var epsilon: Float

    init(_ tensors: SafeTensors, _ prefix: String, size: Int, epsilon: Float) throws {
        weight = try tensors.floats(prefix + ".weight", shape: [size])
        bias = try tensors.floats(prefix + ".bias", shape: [size])
        self.epsilon = epsilon
    }
}

struct BertLayer {
    /// Query, key and value projections stacked into one [3h × h] product.
    var queryKeyValue: Linear
    var attentionOutput: Linear
    var attentionNorm: Norm
    var intermediate: Linear, output: Linear
    var outputNorm: Norm
}

struct BertWeights: Sendable {
    var wordEmbeddings: [Float], positionEmbeddings: [Float], tokenTypeEmbeddings: [Float]
    var embeddingNorm: Norm
    var layers: [BertLayer]
    var heads: Int
    var intermediateSize: Int

    init(tensors: SafeTensors, config: BertConfig) throws {
        let h = config.hiddenSize, e = config.epsilon
        let prefix = tensors.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        wordEmbeddings = try tensors.floats(prefix + "embeddings.word_embeddings.weight")
        positionEmbeddings = try tensors.floats(prefix + "embeddings.position_embeddings.weight")
        tokenTypeEmbeddings = try tensors.floats(prefix + "embeddings.token_type_embeddings.weight")
        guard wordEmbeddings.count % h == 0, positionEmbeddings.count == config.maxPositions * h,
              tokenTypeEmbeddings.count >= h else { throw EmbeddingsError("embedding tables do not match the config") }
        embeddingNorm = try Norm(tensors, prefix + "embeddings.LayerNorm", size: h, epsilon: e)
        layers = try (0..<config.layers).map { i in
            let p = prefix + "encoder.layer.\(i)."
            let parts = try ["query", "key", "value"].map {
                try Linear(tensors, p + "attention.self." + $0, inputs: h, outputs: h)
            }
            return BertLayer(
                queryKeyValue: Linear(stacking: parts),
                attentionOutput: try Linear(tensors, p + "attention.output.dense", inputs: h, outputs: h),
                attentionNorm: try Norm(tensors, p + "attention.output.LayerNorm", size: h, epsilon: e),
                intermediate: try Linear(tensors, p + "intermediate.dense", inputs: h, outputs: config.intermediateSize),
                output: try Linear(tensors, p + "output.dense", inputs: config.intermediateSize, outputs: h),
                outputNorm: try Norm(tensors, p + "output.LayerNorm", size: h, epsilon: e))
        }
        heads = config.heads
        intermediateSize = config.intermediateSize
    }
}
