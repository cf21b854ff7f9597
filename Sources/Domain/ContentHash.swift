import Crypto
import Foundation

/// SHA-256 digests as lowercase hex: file identity in the ingest log, record change detection, data set hashes.
public enum ContentHash {
    public static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }

    /// Digest of a sequence of texts, each followed by a record separator (U+001E): order and boundaries count.
    public static func sha256(texts: some Sequence<String>) -> String {
        hex(digest(texts: texts))
    }

    /// The raw 32 bytes of `sha256(texts:)`.
    public static func digest(texts: some Sequence<String>) -> [UInt8] {
        var hasher = SHA256()
        for text in texts {
            hasher.update(data: Data(text.utf8))
            hasher.update(data: [0x1E])
        }
        return Array(hasher.finalize())
    }

    /// Digest of a file, streamed in 1 MiB blocks.
    public static func sha256(fileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hex(hasher.finalize())
    }

    /// Bytes as lowercase hex.
    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
