import Foundation

/// Reads tensors from a `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian data.
public struct SafeTensors: Sendable {
    public struct Entry: Sendable {
        public var dtype: String
        public var shape: [Int]
        var range: Range<Int>
    }

    public let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    public init(url: URL) throws {
        data = try Data(contentsOf: url, options: .alwaysMapped)
        guard data.count >= 8 else { throw EmbeddingsError("\(url.path) is too short to be a safetensors file") }
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard headerLength > 0, 8 + headerLength <= data.count,
              let header = try JSONSerialization.jsonObject(with: data[8..<(8 + headerLength)]) as? [String: Any] else {
            throw EmbeddingsError("\(url.path) has no valid safetensors header")
        }
        dataStart = 8 + headerLength
        var entries: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int],
                  offsets.count == 2, offsets[0] <= offsets[1], dataStart + offsets[1] <= data.count else {
                throw EmbeddingsError("tensor \(name) has a malformed header entry")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
    }

    /// A float32 tensor's values, row-major; checks the dtype and, when given, the shape.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        guard let entry = entries[name] else { throw EmbeddingsError("the model has no tensor \(name)") }
        guard entry.dtype == "F32" else { throw EmbeddingsError("tensor \(name) is \(entry.dtype), expected F32") }
        if let expected, expected != entry.shape {
            throw EmbeddingsError("tensor \(name) has shape \(entry.shape), expected \(expected)")
        }
        let count = entry.shape.reduce(1, *)
        guard entry.range.count == count * 4 else { throw EmbeddingsError("tensor \(name) has the wrong byte size") }
        let start = dataStart + entry.range.lowerBound
        return data[start..<(start + count * 4)].withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}

/// An error of the embeddings layer, with a message for people.
public struct EmbeddingsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
