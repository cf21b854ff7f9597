import Foundation

/// Binary L2-regularised logistic regression on dense features, fitted by Nesterov-accelerated gradient
/// descent (the loss is smooth and, with L2, strongly convex: no line search needed for unit-length inputs).
struct LogisticRegression {
    var weights: [Float]
    var bias: Float

    /// Fits on `x` (rows of roughly unit length) and `y`; each class weighs half of the loss.
    static func fit(_ x: DenseMatrix, _ y: [Bool], l2: Float = 1e-3, iterations: Int = 200) -> LogisticRegression {
        let n = x.rows, d = x.columns
        let positives = max(1, y.filter { $0 }.count), negatives = max(1, n - y.filter { $0 }.count)
        let sampleWeight = y.map { $0 ? Float(0.5) / Float(positives) : Float(0.5) / Float(negatives) }
        // Lipschitz bound of the gradient: ¼·‖[x, 1]‖² ≤ ½ for unit rows, plus λ.
        let step: Float = 1 / (0.5 + l2)
        var w = [Float](repeating: 0, count: d), b: Float = 0
        var previousW = w, previousB = b
        for t in 1...iterations {
            let momentum = Float(t - 1) / Float(t + 2)
            let vw = zip(w, previousW).map { $0 + momentum * ($0 - $1) }
            let vb = b + momentum * (b - previousB)
            let z = x.times(vw)
            var residual = [Float](repeating: 0, count: n)
            for i in 0..<n { residual[i] = sampleWeight[i] * (1 / (1 + exp(-(z[i] + vb))) - (y[i] ? 1 : 0)) }
            let gradient = x.transposeTimes(residual)
            previousW = w
            previousB = b
            for j in 0..<d { w[j] = vw[j] - step * (gradient[j] + l2 * vw[j]) }
            b = vb - step * residual.reduce(0, +)
        }
        return LogisticRegression(weights: w, bias: b)
    }

    /// The decision score (log-odds) of every row.
    func scores(_ x: DenseMatrix) -> [Double] { x.times(weights).map { Double($0 + bias) } }
}
