import CBLAS
import Foundation

/// One training or prediction example: sparse TF-IDF features and optional dense features (an embedding).
public struct FeatureRow: Sendable {
    public var sparse: SparseVector
    public var dense: [Float]

    public init(sparse: SparseVector, dense: [Float] = []) {
        self.sparse = sparse
        self.dense = dense
    }
}

/// Multinomial logistic regression with L2 regularisation and class weights, trained by L-BFGS on the full
/// softmax objective. Parameters are stored feature-major ([feature × class]) so a sparse row touches
/// contiguous memory.
public struct SoftmaxRegression: Codable, Sendable {
    public let classes: Int
    public let sparseDimension: Int
    public let denseDimension: Int
    /// [sparse features + dense features] × classes, then one bias per class.
    public private(set) var parameters: [Float]

    private enum CodingKeys: String, CodingKey { case classes, sparseDimension, denseDimension, parameters }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        classes = try c.decode(Int.self, forKey: .classes)
        sparseDimension = try c.decode(Int.self, forKey: .sparseDimension)
        denseDimension = try c.decode(Int.self, forKey: .denseDimension)
        let data = try c.decode(Data.self, forKey: .parameters)  // little-endian float32, base64 in JSON
        parameters = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        guard parameters.count == (sparseDimension + denseDimension + 1) * classes else {
            throw DecodingError.dataCorruptedError(forKey: .parameters, in: c, debugDescription: "wrong parameter count")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(classes, forKey: .classes)
        try c.encode(sparseDimension, forKey: .sparseDimension)
        try c.encode(denseDimension, forKey: .denseDimension)
        try c.encode(parameters.withUnsafeBufferPointer { Data(buffer: $0) }, forKey: .parameters)
    }

    public init(classes: Int, sparseDimension: Int, denseDimension: Int) {
        self.classes = classes
        self.sparseDimension = sparseDimension
        self.denseDimension = denseDimension
        parameters = [Float](repeating: 0, count: (sparseDimension + denseDimension + 1) * classes)
    }

    /// Training settings.
    public struct Options: Codable, Sendable {
        /// L2 strength λ in (λ/2)·‖W‖² added to the mean weighted log-loss (biases are not penalised).
        public var l2: Float = 1e-4
        public var maxIterations = 300
        /// Stop when the gradient's max-norm falls below this.
        public var tolerance: Float = 1e-5
        public var history = 8
        /// Weight classes inversely to their frequency.
        public var balanced = true

        public init() {}
    }

    /// Class scores before the softmax.
    public func logits(_ row: FeatureRow) -> [Float] {
        var z = Array(parameters[((sparseDimension + denseDimension) * classes)...])
        parameters.withUnsafeBufferPointer { w in
            for (index, value) in zip(row.sparse.indices, row.sparse.values) {
                let base = Int(index) * classes
                for c in 0..<classes { z[c] += value * w[base + c] }
            }
            for (d, value) in row.dense.enumerated() where value != 0 {
                let base = (sparseDimension + d) * classes
                for c in 0..<classes { z[c] += value * w[base + c] }
            }
        }
        return z
    }

    /// Softmax probabilities at a temperature (1 = uncalibrated).
    public func probabilities(_ row: FeatureRow, temperature: Float = 1) -> [Float] {
        Self.softmax(logits(row).map { $0 / temperature })
    }

    static func softmax(_ z: [Float]) -> [Float] {
        let high = z.max() ?? 0
        let e = z.map { exp($0 - high) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Fits the parameters, starting from the current ones (a warm start when they came from a nearby fit);
    /// returns the final objective value and iterations used.
    @discardableResult
    public mutating func fit(_ rows: [FeatureRow], labels: [Int], options: Options = Options()) -> (loss: Float, iterations: Int) {
        precondition(rows.count == labels.count && !rows.isEmpty)
        var counts = [Int](repeating: 0, count: classes)
        for y in labels { counts[y] += 1 }
        let weights = labels.map { y -> Float in
            options.balanced ? Float(rows.count) / (Float(classes) * Float(max(counts[y], 1))) : 1
        }
        let objective = Objective(model: self, rows: rows, labels: labels, weights: weights, l2: options.l2)
        var optimizer = LBFGS(history: options.history)
        let (solution, loss, iterations) = optimizer.minimize(start: parameters, maxIterations: options.maxIterations,
                                                              tolerance: options.tolerance, objective.evaluate)
        parameters = solution
        return (loss, iterations)
    }

    /// This model's parameters carried over to another sparse feature space, for warm-starting a fit there:
    /// `featureMap[old]` is the new index of old sparse feature `old` (or -1 when it has none); new features start
    /// at zero; dense weights and biases carry over unchanged.
    public func remapped(sparseDimension newDimension: Int, featureMap: [Int]) -> SoftmaxRegression {
        precondition(featureMap.count == sparseDimension)
        var model = SoftmaxRegression(classes: classes, sparseDimension: newDimension, denseDimension: denseDimension)
        let c = classes
        parameters.withUnsafeBufferPointer { old in
            model.parameters.withUnsafeMutableBufferPointer { new in
                for (from, to) in featureMap.enumerated() where to >= 0 {
                    precondition(to < newDimension)
                    (new.baseAddress! + to * c).update(from: old.baseAddress! + from * c, count: c)
                }
                let tail = (denseDimension + 1) * c
                (new.baseAddress! + newDimension * c).update(from: old.baseAddress! + sparseDimension * c, count: tail)
            }
        }
        return model
    }

    /// The weighted mean log-loss with L2, and its gradient; rows split over the cores, and the per-core gradients
    /// summed over the cores too.
    struct Objective: Sendable {
        let classes: Int, sparseDimension: Int, denseDimension: Int
        let rows: [FeatureRow], labels: [Int], weights: [Float], l2: Float
        let weightSum: Float
        let slices: Int
        /// One gradient buffer per slice, reused across evaluations.
        let parts: [Partial]
        /// The rows' dense features packed row-major (rows × denseDimension) and the rows' class scores, then
        /// residuals (rows × classes): the dense part of the objective is two matrix products per slice.
        let matrices: Matrices

        init(model: SoftmaxRegression, rows: [FeatureRow], labels: [Int], weights: [Float], l2: Float) {
            (classes, sparseDimension, denseDimension) = (model.classes, model.sparseDimension, model.denseDimension)
            (self.rows, self.labels, self.weights, self.l2) = (rows, labels, weights, l2)
            weightSum = weights.reduce(0, +)
            slices = min(max(1, ProcessInfo.processInfo.activeProcessorCount), max(1, rows.count / 256))
            parts = (0..<slices).map { _ in Partial(count: model.parameters.count) }
            matrices = Matrices(rows: rows, denseDimension: model.denseDimension, classes: model.classes)
        }

        func evaluate(_ theta: [Float]) -> (Float, [Float]) {
            let count = rows.count, sliceCount = self.slices, partials = self.parts
            theta.withUnsafeBufferPointer { w in
                let w = UncheckedBox(w)
                DispatchQueue.concurrentPerform(iterations: sliceCount) { slice in
                    let range = (count * slice / sliceCount)..<(count * (slice + 1) / sliceCount)
                    partials[slice].accumulate(rows: rows, labels: labels, weights: weights, range: range, w: w.value,
                                               classes: classes, sparseDimension: sparseDimension, matrices: matrices)
                }
            }
            let loss = partials.reduce(0.0) { $0 + $1.loss }
            let scale = 1 / weightSum, lambda = self.l2
            let n = theta.count
            let penalised = (sparseDimension + denseDimension) * classes
            let chunks = n >= 65_536 ? max(sliceCount, min(2, ProcessInfo.processInfo.activeProcessorCount)) : 1
            var penalties = [Double](repeating: 0, count: chunks)
            let gradient = [Float](unsafeUninitializedCapacity: n) { out, initialized in
                let outBox = UncheckedBox(out)
                penalties.withUnsafeMutableBufferPointer { pen in
                    let penBox = UncheckedBox(pen)
                    theta.withUnsafeBufferPointer { t in
                        let tBox = UncheckedBox(t)
                        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                            let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                            let o = outBox.value.baseAddress!, t = tBox.value.baseAddress!
                            // Sum the slices' gradients.
                            partials[0].gradient.withUnsafeBufferPointer { g in
                                let g = g.baseAddress!
                                for i in lo..<hi { o[i] = g[i] }
                            }
                            for part in partials.dropFirst() {
                                part.gradient.withUnsafeBufferPointer { g in
                                    let g = g.baseAddress!
                                    for i in lo..<hi { o[i] += g[i] }
                                }
                            }
                            let split = min(max(lo, penalised), hi)
                            for i in lo..<split { o[i] = o[i] * scale + lambda * t[i] }
                            for i in split..<hi { o[i] *= scale }
                            penBox.value[chunk] = lo < split ? squaredNorm(t + lo, split - lo) : 0
                        }
                    }
                }
                initialized = n
            }
            let penalty = penalties.reduce(0, +)
            return (Float(loss) * scale + 0.5 * lambda * Float(penalty), gradient)
        }
    }

    /// Buffers shared by the slices; each slice touches only its own rows.
    final class Matrices: @unchecked Sendable {
        let dense: UnsafeMutablePointer<Float>
        let scores: UnsafeMutablePointer<Float>
        let denseDimension: Int

        init(rows: [FeatureRow], denseDimension: Int, classes: Int) {
            self.denseDimension = denseDimension
            dense = .allocate(capacity: max(1, rows.count * denseDimension))
            scores = .allocate(capacity: max(1, rows.count * classes))
            for (i, row) in rows.enumerated() where denseDimension > 0 {
                let target = dense + i * denseDimension
                target.update(repeating: 0, count: denseDimension)
                row.dense.withUnsafeBufferPointer {
                    if let source = $0.baseAddress { target.update(from: source, count: min($0.count, denseDimension)) }
                }
            }
        }

        deinit {
            dense.deallocate()
            scores.deallocate()
        }
    }

    /// One core's share of the loss and gradient.
    final class Partial: @unchecked Sendable {
        var gradient: [Float]
        var loss: Double = 0

        init(count: Int) { gradient = [Float](repeating: 0, count: count) }

        func accumulate(rows: [FeatureRow], labels: [Int], weights: [Float], range: Range<Int>,
                        w: UnsafeBufferPointer<Float>, classes: Int, sparseDimension: Int, matrices: Matrices) {
            let c = classes, d = matrices.denseDimension, n = range.count
            let biasBase = w.count - c
            var total: Double = 0
            gradient.withUnsafeMutableBufferPointer { gb in
                let g = gb.baseAddress!, w = w.baseAddress!
                g.update(repeating: 0, count: gb.count)
                guard n > 0 else { return }
                // Dense scores of the slice's rows in one product: scores = X_dense · W_dense.
                let x = matrices.dense + range.lowerBound * d, scores = matrices.scores + range.lowerBound * c
                if d > 0 {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(c), Int32(d), 1,
                                x, Int32(d), w + sparseDimension * c, Int32(c), 0, scores, Int32(c))
                } else {
                    scores.update(repeating: 0, count: n * c)
                }
                for i in range {
                    let row = rows[i]
                    let z = matrices.scores + i * c
                    for j in 0..<c { z[j] += w[biasBase + j] }
                    row.sparse.indices.withUnsafeBufferPointer { indices in
                        row.sparse.values.withUnsafeBufferPointer { values in
                            for k in 0..<indices.count {
                                let value = values[k], p = w + Int(indices[k]) * c
                                for j in 0..<c { z[j] += value * p[j] }
                            }
                        }
                    }
                    var high = z[0]
                    for j in 1..<max(c, 1) where z[j] > high { high = z[j] }
                    var sum: Float = 0
                    for j in 0..<c { z[j] = exp(z[j] - high); sum += z[j] }
                    let y = labels[i], weight = weights[i]
                    total -= Double(weight) * Double(log(max(z[y] / sum, 1e-30)))
                    let factor = weight / sum
                    for j in 0..<c { z[j] *= factor }
                    z[y] -= weight
                    row.sparse.indices.withUnsafeBufferPointer { indices in
                        row.sparse.values.withUnsafeBufferPointer { values in
                            for k in 0..<indices.count {
                                let value = values[k], p = g + Int(indices[k]) * c
                                for j in 0..<c { p[j] += value * z[j] }
                            }
                        }
                    }
                    let b = g + biasBase
                    for j in 0..<c { b[j] += z[j] }
                }
                // Dense gradient of the slice in one product: G_dense = X_denseᵀ · residuals.
                if d > 0 {
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(c), Int32(n), 1,
                                x, Int32(d), scores, Int32(c), 0, g + sparseDimension * c, Int32(c))
                }
            }
            loss = total
        }
    }
}

struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Σ a[i]·b[i] over n floats, eight lanes at a time, each 4,096-element block summed in Double.
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
    var total: Double = 0
    var i = 0
    while i < n {
        let end = min(n, i + 4_096)
        var acc = SIMD8<Float>()
        while i + 8 <= end {
            acc += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var tail: Float = 0
        while i < end { tail += a[i] * b[i]; i += 1 }
        total += Double(acc.sum()) + Double(tail)
    }
    return total
}

@inline(__always)
func squaredNorm(_ a: UnsafePointer<Float>, _ n: Int) -> Double { dotProduct(a, a, n) }

/// Limited-memory BFGS with a backtracking (Armijo) line search. Vectors are Float with Double-accumulated dot
/// products; the history is a ring of reused buffers, and the long vector loops are split over the cores.
struct LBFGS {
    let history: Int

    init(history: Int) { self.history = history }

    /// Splits 0..<n over the cores when n is large enough to be worth it.
    private static func chunks(_ n: Int) -> Int {
        n >= 262_144 ? min(2, max(1, ProcessInfo.processInfo.activeProcessorCount)) : 1
    }

    /// Σ a·b, split over the cores.
    private static func dot(_ a: [Float], _ b: [Float]) -> Double {
        let n = a.count, k = chunks(n)
        if k == 1 { return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in dotProduct(a.baseAddress!, b.baseAddress!, n) } } }
        var partial = [Double](repeating: 0, count: k)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                partial.withUnsafeMutableBufferPointer { out in
                    let (a, b, out) = (UncheckedBox(a), UncheckedBox(b), UncheckedBox(out))
                    DispatchQueue.concurrentPerform(iterations: k) { c in
                        let lo = n * c / k, hi = n * (c + 1) / k
                        out.value[c] = dotProduct(a.value.baseAddress! + lo, b.value.baseAddress! + lo, hi - lo)
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// y[i] += alpha·x[i], split over the cores.
    private static func update(_ y: inout [Float], _ alpha: Float, _ x: [Float]) {
        let n = y.count, k = chunks(n)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                let (x, y) = (UncheckedBox(x), UncheckedBox(y))
                DispatchQueue.concurrentPerform(iterations: k) { c in
                    let lo = n * c / k, hi = n * (c + 1) / k
                    let xp = x.value.baseAddress!, yp = y.value.baseAddress!
                    for i in lo..<hi { yp[i] += alpha * xp[i] }
                }
            }
        }
    }

    /// y[i] *= factor, split over the cores.
    private static func scale(_ y: inout [Float], by factor: Float) {
        let n = y.count, k = chunks(n)
        y.withUnsafeMutableBufferPointer { y in
            let y = UncheckedBox(y)
            DispatchQueue.concurrentPerform(iterations: k) { c in
                let lo = n * c / k, hi = n * (c + 1) / k
                let yp = y.value.baseAddress!
                for i in lo..<hi { yp[i] *= factor }
            }
        }
    }

    /// out[i] = a[i] + alpha·b[i] (or a[i] - b[i] with alpha = -1), split over the cores.
    private static func combine(_ out: inout [Float], _ a: [Float], _ alpha: Float, _ b: [Float]) {
        let n = out.count, k = chunks(n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    let (a, b, o) = (UncheckedBox(a), UncheckedBox(b), UncheckedBox(o))
                    DispatchQueue.concurrentPerform(iterations: k) { c in
                        let lo = n * c / k, hi = n * (c + 1) / k
                        let ap = a.value.baseAddress!, bp = b.value.baseAddress!, op = o.value.baseAddress!
                        for i in lo..<hi { op[i] = ap[i] + alpha * bp[i] }
                    }
                }
            }
        }
    }

    mutating func minimize(start: [Float], maxIterations: Int, tolerance: Float,
                           _ f: ([Float]) -> (Float, [Float])) -> ([Float], Float, Int) {
        let n = start.count
        var x = start
        var (fx, g) = f(x)
        // History pairs, oldest first; evicted buffers are reused for the next pair.
        var s: [[Float]] = [], y: [[Float]] = [], rho: [Double] = []
        var spareS: [Float]? = nil, spareY: [Float]? = nil
        var q = [Float](repeating: 0, count: n)
        var candidate = x
        var alpha = [Double](repeating: 0, count: history + 1)
        for iteration in 1...max(maxIterations, 1) {
            if maxIterations < 1 { break }
            if g.lazy.map(abs).max() ?? 0 < tolerance { return (x, fx, iteration - 1) }
            // Two-loop recursion for q = H·g; the direction is -q.
            q.withUnsafeMutableBufferPointer { q in
                g.withUnsafeBufferPointer { g in q.baseAddress!.update(from: g.baseAddress!, count: n) }
            }
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * Self.dot(s[i], q)
                Self.update(&q, Float(-alpha[i]), y[i])
            }
            if let lastS = s.last, let lastY = y.last {
                let gamma = Self.dot(lastS, lastY) / max(Self.dot(lastY, lastY), 1e-20)
                Self.scale(&q, by: Float(gamma))
            } else {
                let norm = Self.dot(g, g).squareRoot()
                Self.scale(&q, by: Float(1 / max(norm, 1e-12)))
            }
            for i in 0..<s.count {
                let beta = rho[i] * Self.dot(y[i], q)
                Self.update(&q, Float(alpha[i] - beta), s[i])
            }
            var slope = -Self.dot(q, g)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                q = g
                slope = -Self.dot(g, g)
                s.removeAll(); y.removeAll(); rho.removeAll()
            }
            var step: Float = 1
            var fc: Float = 0, gc: [Float] = []
            for _ in 0..<30 {
                Self.combine(&candidate, x, -step, q)
                (fc, gc) = f(candidate)
                if Double(fc) <= Double(fx) + 1e-4 * Double(step) * slope { break }
                step *= 0.5
            }
            guard fc < fx || abs(fc - fx) < 1e-12 else { return (x, fx, iteration) }
            var sNew = spareS ?? [Float](repeating: 0, count: n)
            var yNew = spareY ?? [Float](repeating: 0, count: n)
            spareS = nil; spareY = nil
            Self.combine(&sNew, candidate, -1, x)
            Self.combine(&yNew, gc, -1, g)
            let sy = Self.dot(sNew, yNew)
            if sy > 1e-12 {
                s.append(sNew); y.append(yNew); rho.append(1 / sy)
                if s.count > history { spareS = s.removeFirst(); spareY = y.removeFirst(); rho.removeFirst() }
            } else {
                spareS = sNew; spareY = yNew
            }
            let improvement = fx - fc
            swap(&x, &candidate)
            (fx, g) = (fc, gc)
            if improvement >= 0 && improvement < 1e-9 * max(1, abs(fx)) { return (x, fx, iteration) }
        }
        return (x, fx, maxIterations)
    }
}
