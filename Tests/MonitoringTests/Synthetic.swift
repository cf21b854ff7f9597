import Domain
import Foundation

/// Seeded synthetic samples for the monitoring tests.
struct Synthetic {
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &random), v = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// A unit vector near `direction` (noise of standard deviation `noise` per dimension).
    mutating func unitVector(near direction: [Float], noise: Double) -> [Float] {
        let v = direction.map { $0 + Float(noise * normal()) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }

    /// A random unit direction in `dimension` dimensions.
    mutating func direction(_ dimension: Int) -> [Float] {
        unitVector(near: [Float](repeating: 0, count: dimension), noise: 1)
    }

    /// `n` categories drawn with the given weights.
    mutating func categories(_ weights: [String: Double], n: Int) -> [String] {
        let labels = weights.keys.sorted(), total = weights.values.reduce(0, +)
        return (0..<n).map { _ in
            var target = Double.random(in: 0..<total, using: &random)
            for label in labels {
                target -= weights[label]!
                if target < 0 { return label }
            }
            return labels.last!
        }
    }
}
