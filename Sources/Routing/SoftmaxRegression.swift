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

    /// Fits the parameters; returns the final objective value and iterations used.
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

    /// The weighted mean log-loss with L2, and its gradient; data split over the cores.
    struct Objective: Sendable {
        let classes: Int, sparseDimension: Int, denseDimension: Int
        let rows: [FeatureRow], labels: [Int], weights: [Float], l2: Float
        let weightSum: Float

        init(model: SoftmaxRegression, rows: [FeatureRow], labels: [Int], weights: [Float], l2: Float) {
            (classes, sparseDimension, denseDimension) = (model.classes, model.sparseDimension, model.denseDimension)
            (self.rows, self.labels, self.weights, self.l2) = (rows, labels, weights, l2)
            weightSum = weights.reduce(0, +)
        }

        func evaluate(_ theta: [Float]) -> (Float, [Float]) {
            let slices = min(2, max(1, rows.count / 256))
            let parts = (0..<slices).map { _ in Partial(count: theta.count) }
            let count = rows.count
            theta.withUnsafeBufferPointer { w in
                let w = UncheckedBox(w)
                DispatchQueue.concurrentPerform(iterations: slices) { slice in
                    let range = (count * slice / slices)..<(count * (slice + 1) / slices)
                    parts[slice].accumulate(rows: rows, labels: labels, weights: weights, range: range, w: w.value,
                                            classes: classes, sparseDimension: sparseDimension)
                }
            }
            var gradient = parts[0].gradient
            var loss = parts[0].loss
            for part in parts.dropFirst() {
                loss += part.loss
                for i in gradient.indices { gradient[i] += part.gradient[i] }
            }
            let scale = 1 / weightSum
            let penalised = (sparseDimension + denseDimension) * classes
            var penalty: Double = 0
            for i in 0..<gradient.count {
                gradient[i] *= scale
                if i < penalised {
                    penalty += Double(theta[i] * theta[i])
                    gradient[i] += l2 * theta[i]
                }
            }
            return (Float(loss) * scale + 0.5 * l2 * Float(penalty), gradient)
        }
    }

    /// One core's share of the loss and gradient.
    final class Partial: @unchecked Sendable {
        var gradient: [Float]
        var loss: Double = 0

        init(count: Int) { gradient = [Float](repeating: 0, count: count) }

        func accumulate(rows: [FeatureRow], labels: [Int], weights: [Float], range: Range<Int>,
                        w: UnsafeBufferPointer<Float>, classes: Int, sparseDimension: Int) {
            let biasBase = w.count - classes
            var z = [Float](repeating: 0, count: classes)
            gradient.withUnsafeMutableBufferPointer { g in
                for i in range {
                    let row = rows[i]
                    for c in 0..<classes { z[c] = w[biasBase + c] }
                    for (index, value) in zip(row.sparse.indices, row.sparse.values) {
                        let base = Int(index) * classes
                        for c in 0..<classes { z[c] += value * w[base + c] }
                    }
                    for (d, value) in row.dense.enumerated() {
                        let base = (sparseDimension + d) * classes
                        for c in 0..<classes { z[c] += value * w[base + c] }
                    }
                    let high = z.max()!
                    var sum: Float = 0
                    for c in 0..<classes { z[c] = exp(z[c] - high); sum += z[c] }
                    let y = labels[i], weight = weights[i]
                    loss -= Double(weight) * Double(log(max(z[y] / sum, 1e-30)))
                    for c in 0..<classes { z[c] = weight * (z[c] / sum - (c == y ? 1 : 0)) }
                    for (index, value) in zip(row.sparse.indices, row.sparse.values) {
                        let base = Int(index) * classes
                        for c in 0..<classes { g[base + c] += value * z[c] }
                    }
                    for (d, value) in row.dense.enumerated() {
                        let base = (sparseDimension + d) * classes
                        for c in 0..<classes { g[base + c] += value * z[c] }
                    }
                    for c in 0..<classes { g[biasBase + c] += z[c] }
                }
            }
        }
    }
}

struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search.
struct LBFGS {
    let history: Int

    init(history: Int) { self.history = history }

    mutating func minimize(start: [Float], maxIterations: Int, tolerance: Float,
                           _ f: ([Float]) -> (Float, [Float])) -> ([Float], Float, Int) {
        var x = start
        var (fx, g) = f(x)
        var s: [[Float]] = [], y: [[Float]] = [], rho: [Double] = []
        for iteration in 1...maxIterations {
            if g.lazy.map(abs).max() ?? 0 < tolerance { return (x, fx, iteration - 1) }
            // Two-loop recursion for the direction d = -H·g.
            var q = g.map(Double.init)
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dot(s[i], q)
                for j in q.indices { q[j] -= alpha[i] * Double(y[i][j]) }
            }
            if let lastS = s.last, let lastY = y.last {
                let gamma = dot(lastS, lastY.map(Double.init)) / max(dot(lastY, lastY.map(Double.init)), 1e-20)
                for j in q.indices { q[j] *= gamma }
            } else {
                let norm = g.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                for j in q.indices { q[j] /= max(norm, 1e-12) }
            }
            for i in 0..<s.count {
                let beta = rho[i] * dot(y[i], q)
                for j in q.indices { q[j] += Double(s[i][j]) * (alpha[i] - beta) }
            }
            var direction = q.map { Float(-$0) }
            var slope = zip(direction, g).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                direction = g.map { -$0 }
                slope = -g.reduce(0.0) { $0 + Double($1) * Double($1) }
                s.removeAll(); y.removeAll(); rho.removeAll()
            }
            var step: Float = 1
            var candidate = x, fc: Float = 0, gc: [Float] = []
            for _ in 0..<30 {
                for j in x.indices { candidate[j] = x[j] + step * direction[j] }
                (fc, gc) = f(candidate)
                if Double(fc) <= Double(fx) + 1e-4 * Double(step) * slope { break }
                step *= 0.5
            }
            guard fc < fx || abs(fc - fx) < 1e-12 else { return (x, fx, iteration) }
            let sNew = zip(candidate, x).map { $0 - $1 }
            let yNew = zip(gc, g).map { $0 - $1 }
            let sy = dot(sNew, yNew.map(Double.init))
            if sy > 1e-12 {
                s.append(sNew); y.append(yNew); rho.append(1 / sy)
                if s.count > history { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            let improvement = fx - fc
            (x, fx, g) = (candidate, fc, gc)
            if improvement >= 0 && improvement < 1e-9 * max(1, abs(fx)) { return (x, fx, iteration) }
        }
        return (x, fx, maxIterations)
    }

    private func dot(_ a: [Float], _ b: [Double]) -> Double {
        var sum: Double = 0
        for i in a.indices { sum += Double(a[i]) * b[i] }
        return sum
    }
}
