import CBLAS

/// Row-major float matrix of embeddings, with the two BLAS products the classifiers and k-means need.
struct DenseMatrix {
    let rows: Int
    let columns: Int
    var values: [Float]

    init(_ vectors: [[Float]]) {
        rows = vectors.count
        columns = vectors.first?.count ?? 0
        values = vectors.flatMap { $0 }
        precondition(values.count == rows * columns, "vectors of different dimensions")
    }

    func row(_ i: Int) -> ArraySlice<Float> { values[(i * columns)..<((i + 1) * columns)] }

    /// self · x (x has `columns` entries).
    func times(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: rows)
        guard rows > 0 else { return y }
        values.withUnsafeBufferPointer { m in
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), 1, m.baseAddress, Int32(columns),
                        x, 1, 0, &y, 1)
        }
        return y
    }

    /// selfᵀ · x (x has `rows` entries).
    func transposeTimes(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: columns)
        guard rows > 0 else { return y }
        values.withUnsafeBufferPointer { m in
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, m.baseAddress, Int32(columns),
                        x, 1, 0, &y, 1)
        }
        return y
    }

    /// self · otherᵀ: every row's dot product with every row of `other` (rows × other.rows).
    func timesTransposed(_ other: DenseMatrix) -> [Float] {
        precondition(columns == other.columns)
        var out = [Float](repeating: 0, count: rows * other.rows)
        guard rows > 0, other.rows > 0 else { return out }
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(other.rows), Int32(columns), 1,
                            a.baseAddress, Int32(columns), b.baseAddress, Int32(columns), 0, &out, Int32(other.rows))
            }
        }
        return out
    }
}
