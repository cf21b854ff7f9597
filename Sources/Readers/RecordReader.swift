import Foundation

/// One record read from a file: its fields by column name, the line it starts on (1-based) and its raw text.
public struct SourceRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String: String]
    public var raw: String

    public init(line: Int, fields: [String: String], raw: String) {
        self.line = line
        self.fields = fields
        self.raw = raw
    }
}

/// A record that could not be parsed at all (bad JSON, wrong column count, unterminated quote).
public struct MalformedRecord: Error, Sendable, Equatable {
    public var line: Int
    public var reason: String
    public var raw: String

    public init(line: Int, reason: String, raw: String) {
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}

/// File formats the readers understand.
public enum RecordFormat: String, Sendable, CaseIterable {
    case csv, tsv, json, jsonl

    /// Guesses the format from a file extension (`.ndjson` counts as JSONL).
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }
}

/// Why a file could not be read at all (as opposed to single bad records, which are quarantined).
public struct RecordReaderError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reads CSV/TSV (quoted fields, embedded newlines, `""` escapes, BOM, CRLF, LF or CR-only line ends), JSON
/// arrays of objects and JSONL, yielding each record with the line it starts on. Bad records come back as
/// `MalformedRecord`s (an unterminated quote is one bad record: its line); only an unreadable or empty file
/// throws. Text that is not UTF-8 is decoded as described by `TextDecoding`, with a note.
public struct RecordReader: Sendable {
    public let format: RecordFormat

    public init(format: RecordFormat) {
        self.format = format
    }

    /// Reader for a path, by `format` or else by the file's extension.
    public init(path: String, format: RecordFormat? = nil) throws {
        let ext = (path as NSString).pathExtension
        guard let resolved = format ?? RecordFormat(fileExtension: ext) else {
            throw RecordReaderError("cannot tell the format of \(path): use --format csv|tsv|json|jsonl")
        }
        self.format = resolved
    }

    /// Reads every record of the file (memory-mapped).
    public func read(path: String) throws -> [Result<SourceRecord, MalformedRecord>] {
        try readFile(path: path).records
    }

    /// Reads every record of in-memory content.
    public func read(data: Data) throws -> [Result<SourceRecord, MalformedRecord>] {
        try readFile(data: data).records
    }

    /// Reads every record of the file, with notes on how it was read.
    public func readFile(path: String) throws -> RecordFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw RecordReaderError("cannot read \(path): \(error.localizedDescription)")
        }
        return try readFile(data: data)
    }

    /// Reads every record of in-memory content, with notes on how it was read. An empty file throws.
    public func readFile(data: Data) throws -> RecordFile {
        let (bytes, encodingNote) = try TextDecoding.utf8(data)
        var file: RecordFile
        switch format {
        case .csv: file = try DelimitedParser(bytes: bytes, delimiter: UInt8(ascii: ",")).records()
        case .tsv: file = try DelimitedParser(bytes: bytes, delimiter: UInt8(ascii: "\t")).records()
        case .jsonl: file = RecordFile(records: JSONLinesParser.records(bytes))
        case .json: file = RecordFile(records: try JSONArrayParser.records(bytes))
        }
        if let encodingNote { file.notes.insert(encodingNote, at: 0) }
        return file
    }
}

/// Everything read from one file: its records, and notes on decisions taken while reading it (an encoding
/// fallback, an ignored unnamed column), which an ingest reports.
public struct RecordFile: Sendable, Equatable {
    public var records: [Result<SourceRecord, MalformedRecord>]
    public var notes: [String]

    public init(records: [Result<SourceRecord, MalformedRecord>], notes: [String] = []) {
        self.records = records
        self.notes = notes
    }
}

// MARK: - CSV / TSV

private struct DelimitedParser {
    let bytes: [UInt8]
    let delimiter: UInt8
    private static let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    init(bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
    }

    /// One physical record: its cells, first line, byte range, and an error if its quoting was broken.
    private struct Row {
        var cells: [String]
        var line: Int
        var range: Range<Int>
        var error: String?
    }

    func records() throws -> RecordFile {
        var rows = parseRows()
        guard !rows.isEmpty else { throw RecordReaderError("the file is empty: there is no header line") }
        let headerRow = rows.removeFirst()
        if let error = headerRow.error { throw RecordReaderError("header line is malformed: \(error)") }
        let header = headerRow.cells.map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.contains(where: { !$0.isEmpty }) else {
            throw RecordReaderError("the first line has no column names: expected a header line")
        }
        // An unnamed column (a spreadsheet's trailing notes column) is ignored with a note; a value in it is kept
        // as a field named after its position, so nothing is lost.
        var notes: [String] = []
        var names = header
        for (index, name) in header.enumerated() where name.isEmpty {
            names[index] = "column \(index + 1)"
            notes.append("header column \(index + 1) has no name: ignored (any value in it is kept as '\(names[index])')")
        }
        let named = header.filter { !$0.isEmpty }
        if let repeated = named.first(where: { name in named.filter { $0 == name }.count > 1 }) {
            throw RecordReaderError("header line repeats the column name '\(repeated)'")
        }
        let records: [Result<SourceRecord, MalformedRecord>] = rows.compactMap { row in
            let raw = String(decoding: bytes[row.range], as: UTF8.self)
            if row.cells.count == 1 && row.cells[0].trimmingCharacters(in: .whitespaces).isEmpty && row.error == nil {
                return nil  // blank line
            }
            if let error = row.error { return .failure(MalformedRecord(line: row.line, reason: error, raw: raw)) }
            guard row.cells.count == header.count else {
                return .failure(MalformedRecord(
                    line: row.line, reason: "expected \(header.count) fields, found \(row.cells.count)", raw: raw))
            }
            var fields: [String: String] = [:]
            for (index, value) in row.cells.enumerated()
            where !header[index].isEmpty || !value.trimmingCharacters(in: .whitespaces).isEmpty {
                fields[names[index]] = value
            }
            return .success(SourceRecord(line: row.line, fields: fields, raw: raw))
        }
        return RecordFile(records: records, notes: notes)
    }

    /// Splits the bytes into rows. A quoted field that runs past a line end and leaves its record malformed
    /// (a stray quote, the wrong number of fields, the end of the file) is taken as a quote never closed: the bad
    /// record is the line it opened on, and reading resumes on the next line instead of swallowing the rest.
    private func parseRows() -> [Row] {
        var rows: [Row] = []
        var cells: [String] = []
        var cell: [UInt8] = []
        var line = 1, rowLine = 1, rowStart = 0
        var i = 0
        var inQuotes = false, wasQuoted = false
        var quoteStart = 0, quoteLine = 1
        // Where the quote that first ran past a line end in the current row opened.
        var spanStart: Int?, spanLine = 0
        var error: String?
        let n = bytes.count

        func endCell() {
            cells.append(String(decoding: cell, as: UTF8.self))
            cell.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRow(at end: Int) {
            endCell()
            rows.append(Row(cells: cells, line: rowLine, range: rowStart..<end, error: error))
            cells.removeAll(keepingCapacity: true)
            error = nil
            spanStart = nil
        }
        /// A line ends at "\n", "\r\n" or a lone "\r" (old Mac, Excel's "CSV (Macintosh)").
        func isLineEnd(_ k: Int) -> Bool {
            bytes[k] == Self.newline || (bytes[k] == Self.cr && (k + 1 == n || bytes[k + 1] != Self.newline))
        }
        /// Whether the row being ended spans lines through a quote and is malformed (never the header).
        func mustResynchronise() -> Bool {
            guard spanStart != nil, let header = rows.first else { return false }
            return inQuotes || error != nil || cells.count + 1 != header.cells.count
        }
        /// Sets the row aside as the line its spanning quote opened on, and resumes after that line.
        func resynchronise() {
            var end = spanStart!
            while end < n && bytes[end] != Self.newline && bytes[end] != Self.cr { end += 1 }
            rows.append(Row(cells: [], line: rowLine, range: rowStart..<end,
                            error: "unterminated quoted field (opened on line \(spanLine))"))
            cells.removeAll(keepingCapacity: true)
            cell.removeAll(keepingCapacity: true)
            inQuotes = false
            wasQuoted = false
            error = nil
            spanStart = nil
            i = end
            if i < n && bytes[i] == Self.cr { i += 1 }
            if i < n && bytes[i] == Self.newline { i += 1 }
            line = spanLine + 1
            rowLine = line
            rowStart = i
        }

        while true {
            while i < n {
                let b = bytes[i]
                if inQuotes {
                    if b == Self.quote {
                        if i + 1 < n && bytes[i + 1] == Self.quote {
                            cell.append(Self.quote)
                            i += 2
                            continue
                        }
                        inQuotes = false
                    } else {
                        if isLineEnd(i) {
                            line += 1
                            if spanStart == nil { (spanStart, spanLine) = (quoteStart, quoteLine) }
                        }
                        cell.append(b)
                    }
                    i += 1
                    continue
                }
                switch b {
                case Self.quote where cell.isEmpty && !wasQuoted:
                    inQuotes = true
                    wasQuoted = true
                    quoteStart = i
                    quoteLine = line
                case Self.quote:
                    if error == nil { error = "stray quote inside an unquoted field" }
                    cell.append(b)
                case delimiter:
                    endCell()
                case Self.cr where i + 1 < n && bytes[i + 1] == Self.newline:
                    break
                case Self.newline, Self.cr:
                    if mustResynchronise() {
                        resynchronise()
                        continue
                    }
                    endRow(at: b == Self.newline && i > 0 && bytes[i - 1] == Self.cr ? i - 1 : i)
                    line += 1
                    rowLine = line
                    rowStart = i + 1
                default:
                    if wasQuoted, error == nil { error = "text after a closing quote" }
                    cell.append(b)
                }
                i += 1
            }
            // The end of the file.
            if mustResynchronise() {
                resynchronise()
                continue
            }
            if inQuotes { error = "unterminated quoted field (opened on line \(quoteLine))" }
            break
        }
        if rowStart < n || !cells.isEmpty || !cell.isEmpty { endRow(at: n) }
        return rows
    }
}

// MARK: - JSON

private func stringFields(_ object: [String: Any]) -> [String: String] {
    var fields: [String: String] = [:]
    for (key, value) in object {
        if let text = scalarText(value) {
            fields[key] = text
        } else if let list = value as? [Any] {
            fields[key] = list.compactMap(scalarText).joined(separator: "\n")
        } else if JSONSerialization.isValidJSONObject(value),
                  let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
            fields[key] = String(decoding: data, as: UTF8.self)
        }
    }
    return fields
}

/// Text of a JSON scalar; nil for null, arrays and objects.
private func scalarText(_ value: Any) -> String? {
    switch value {
    case let s as String: return s
    case is NSNull: return nil
    case let n as NSNumber:
        // JSON booleans arrive as a boolean-typed NSNumber subclass.
        if String(describing: type(of: n)).contains("Boolean") { return n.boolValue ? "true" : "false" }
        return n.stringValue
    default: return nil
    }
}

private func parseObject(_ bytes: ArraySlice<UInt8>, line: Int) -> Result<SourceRecord, MalformedRecord> {
    let raw = String(decoding: bytes, as: UTF8.self)
    do {
        let value = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        guard let object = value as? [String: Any] else {
            return .failure(MalformedRecord(line: line, reason: "expected a JSON object", raw: raw))
        }
        return .success(SourceRecord(line: line, fields: stringFields(object), raw: raw))
    } catch {
        return .failure(MalformedRecord(line: line, reason: "invalid JSON", raw: raw))
    }
}

private enum JSONLinesParser {
    static func records(_ bytes: [UInt8]) -> [Result<SourceRecord, MalformedRecord>] {
        var results: [Result<SourceRecord, MalformedRecord>] = []
        var line = 1
        let separator = bytes.contains(UInt8(ascii: "\n")) ? UInt8(ascii: "\n") : UInt8(ascii: "\r")
        for slice in bytes.split(separator: separator, omittingEmptySubsequences: false) {
            defer { line += 1 }
            let trimmed = slice.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
            guard !trimmed.isEmpty else { continue }
            results.append(parseObject(ArraySlice(trimmed), line: line))
        }
        return results
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
}

/// Splits a top-level JSON array (optionally wrapped in an object whose first array-valued key holds the
/// records) into its elements without parsing them, so one bad element is quarantined with its line number
/// instead of failing the whole file.
private enum JSONArrayParser {
    static func records(_ bytes: [UInt8]) throws -> [Result<SourceRecord, MalformedRecord>] {
        guard let first = bytes.firstIndex(where: { !JSONLinesParser.isSpace($0) }) else { return [] }
        var start = first
        if bytes[first] == UInt8(ascii: "{") {
            // e.g. {"description": ..., "training_samples": [ ... ]}: use the first array of objects.
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw RecordReaderError("the file is not a JSON array (nor an object holding one)")
            }
            guard let key = object.keys.sorted().first(where: { (object[$0] as? [[String: Any]])?.isEmpty == false }),
                  let arrayStart = locateArray(named: key, in: bytes) else {
                throw RecordReaderError("the JSON object holds no array of records")
            }
            start = arrayStart
        }
        guard bytes[start] == UInt8(ascii: "[") else { throw RecordReaderError("the file is not a JSON array") }
        return try elements(bytes, from: start)
    }

    /// Index of the `[` that follows `"key":` at nesting depth 1.
    private static func locateArray(named key: String, in bytes: [UInt8]) -> Int? {
        let needle = Array("\"\(key)\"".utf8)
        var i = 0
        var depth = 0, inString = false
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                if b == UInt8(ascii: "\\") { i += 2; continue }
                if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if b == UInt8(ascii: "\""), depth == 1, bytes[i...].starts(with: needle) {
                var j = i + needle.count
                while j < bytes.count, JSONLinesParser.isSpace(bytes[j]) || bytes[j] == UInt8(ascii: ":") { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "[") { return j }
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
            i += 1
        }
        return nil
    }

    private static func elements(_ bytes: [UInt8], from open: Int) throws -> [Result<SourceRecord, MalformedRecord>] {
        var results: [Result<SourceRecord, MalformedRecord>] = []
        var i = open + 1, line = 1 + bytes[..<(open + 1)].lazy.filter { $0 == UInt8(ascii: "\n") }.count
        var depth = 0, inString = false
        var elementStart: Int?, elementLine = line
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") { line += 1 }
            if inString {
                if b == UInt8(ascii: "\\") { i += 2; continue }
                if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if elementStart == nil, !JSONLinesParser.isSpace(b), b != UInt8(ascii: ","), b != UInt8(ascii: "]") {
                elementStart = i
                elementLine = line
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "]") where depth > 0: depth -= 1
            case UInt8(ascii: ","), UInt8(ascii: "]"):
                if depth == 0, let s = elementStart {
                    results.append(parseObject(bytes[s..<i], line: elementLine))
                    elementStart = nil
                }
                if b == UInt8(ascii: "]") && depth == 0 { return results }
            default: break
            }
            i += 1
        }
        if let s = elementStart {
            results.append(.failure(MalformedRecord(
                line: elementLine, reason: "the file ends before the JSON array is closed",
                raw: String(decoding: bytes[s...], as: UTF8.self))))
            return results
        }
        throw RecordReaderError("the JSON array is never closed")
    }
}
