import Foundation

/// Turns a file's bytes into UTF-8, saying how when that took a decision.
///
/// A UTF-8 byte-order mark is dropped; UTF-16 with a byte-order mark is converted. Bytes that are not valid
/// UTF-8 (a Latin-1 or Windows-1252 export) are read as Windows-1252, one byte per character, while valid UTF-8
/// sequences around them are kept, and the returned note says how many bytes were read that way and where the
/// first one was. A file with nothing but white space in it is refused: there is no header or record to read.
public enum TextDecoding {
    /// The file's text as UTF-8 bytes, and a note when it was not plain UTF-8.
    public static func utf8(_ data: Data) throws -> (bytes: [UInt8], note: String?) {
        let raw = [UInt8](data)
        let bytes: [UInt8], note: String?
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) {
            (bytes, note) = latin1Fallback(Array(raw.dropFirst(3)))
        } else if raw.starts(with: [0xFF, 0xFE]) || raw.starts(with: [0xFE, 0xFF]) {
            let little = raw[0] == 0xFF
            guard let text = String(data: Data(raw.dropFirst(2)), encoding: little ? .utf16LittleEndian : .utf16BigEndian)
            else { throw RecordReaderError("the file starts with a UTF-16 byte-order mark but is not valid UTF-16") }
            (bytes, note) = (Array(text.utf8), "decoded as UTF-16\(little ? "LE" : "BE") (byte-order mark)")
        } else {
            (bytes, note) = latin1Fallback(raw)
        }
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            throw RecordReaderError("the file is empty: there is no header or record to read")
        }
        return (bytes, note)
    }

    /// Valid UTF-8 as is; every byte outside a valid sequence decoded as Windows-1252.
    static func latin1Fallback(_ raw: [UInt8]) -> (bytes: [UInt8], note: String?) {
        var out: [UInt8] = []
        var replaced = 0, firstLine = 0
        var i = 0, line = 1
        out.reserveCapacity(raw.count)
        while i < raw.count {
            let b = raw[i]
            if b < 0x80 {
                if b == 0x0A { line += 1 }
                out.append(b)
                i += 1
                continue
            }
            let length = validSequenceLength(raw, at: i)
            if length > 0 {
                out.append(contentsOf: raw[i..<(i + length)])
                i += length
                continue
            }
            if replaced == 0 { firstLine = line }
            replaced += 1
            out.append(contentsOf: String(windows1252(b)).utf8)
            i += 1
        }
        guard replaced > 0 else { return (out, nil) }
        return (out, "not valid UTF-8: \(replaced) byte\(replaced == 1 ? "" : "s") (the first on line \(firstLine)) "
                    + "decoded as Windows-1252/Latin-1")
    }

    /// Length of the valid UTF-8 sequence starting at `i` (a lead byte of 0x80 or above), 0 when invalid.
    private static func validSequenceLength(_ raw: [UInt8], at i: Int) -> Int {
        let b = raw[i]
        let length: Int, low: UInt8, high: UInt8
        switch b {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return 0
        }
        guard i + length <= raw.count, (low...high).contains(raw[i + 1]) else { return 0 }
        for k in 2..<max(2, length) where !(0x80...0xBF).contains(raw[i + k]) { return 0 }
        return length
    }

    /// Windows-1252's characters for 0x80–0x9F (its five unassigned bytes as their Latin-1 control codes); every
    /// other byte is its Latin-1 character.
    private static func windows1252(_ b: UInt8) -> Character {
        let table: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
            0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
            0x0153, 0x9D, 0x017E, 0x0178,
        ]
        let value = (0x80...0x9F).contains(b) ? table[Int(b) - 0x80] : UInt32(b)
        return Character(Unicode.Scalar(value)!)
    }
}
