import Domain
import Foundation

/// Reads knowledge-base articles: a folder (searched recursively) of Markdown files with optional front matter,
/// a single Markdown file, or a JSON / JSONL file of article objects.
///
/// Front matter is the common YAML subset: `key: value` lines, quoted strings, `[a, b]` lists and `- item` lists,
/// between `---` lines at the top of the file. Recognised keys: `id`, `title`, `category`, `tags`, `updated`.
/// Without an `id` the file's path relative to the folder (minus extension) is the id; without a `title`, the
/// first `# heading`, else the file name.
public struct ArticleReader: Sendable {
    public var maxBodyLength = 1_000_000
    private let dates = DateParser()

    public init() {}

    /// One article read, or a quarantined record with the file and line at fault.
    public typealias Item = Result<Article, QuarantinedRecord>

    /// All articles under `path`, in a stable order (sorted by relative path, then by position in the file).
    public func read(path: String) throws -> [Item] {
        try readAll(path: path).items.map { $0.map(\.article) }
    }

    /// All articles under `path` with the line and raw text each came from, and notes on how files were read (an
    /// encoding fallback). In a folder, a file that cannot be read at all (invalid JSON, not a file of records)
    /// is quarantined under its own name and the other files are still read; a single file that cannot be read
    /// throws.
    public func readAll(path: String) throws -> (items: [Result<ArticleRecord, QuarantinedRecord>], notes: [String]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RecordReaderError("no such file or folder: \(path)")
        }
        let root = URL(fileURLWithPath: path).standardizedFileURL
        var notes: [String] = []
        guard isDirectory.boolValue else {
            return (try readFile(root, relativeTo: root.deletingLastPathComponent(), notes: &notes), notes)
        }
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw RecordReaderError("cannot list \(path)")
        }
        let files = walker.compactMap { $0 as? URL }
            .filter { Self.extensions.contains($0.pathExtension.lowercased()) }
            .map(\.standardizedFileURL)
            .sorted { $0.path < $1.path }
        var items: [Result<ArticleRecord, QuarantinedRecord>] = []
        for file in files {
            do {
                items += try readFile(file, relativeTo: root, notes: &notes)
            } catch let error as RecordReaderError {
                let head = FileManager.default.contents(atPath: file.path).map { String(decoding: $0.prefix(2_000), as: UTF8.self) }
                items.append(.failure(QuarantinedRecord(source: file.path, line: 1,
                                                        reason: "cannot read the file: \(error.description)",
                                                        raw: head ?? "")))
            }
        }
        return (items, notes)
    }

    static let extensions: Set<String> = ["md", "markdown", "json", "jsonl", "ndjson"]

    private func readFile(_ url: URL, relativeTo root: URL,
                          notes: inout [String]) throws -> [Result<ArticleRecord, QuarantinedRecord>] {
        switch url.pathExtension.lowercased() {
        case "md", "markdown":
            let relative = String(url.path.dropFirst(root.path.count)).trimmingCharacters(in: ["/"])
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return [.failure(QuarantinedRecord(source: url.path, line: 1, reason: "cannot read the file", raw: ""))]
            }
            let text: String
            do {
                let (bytes, note) = try TextDecoding.utf8(data)
                if let note { notes.append("\(url.lastPathComponent): \(note)") }
                text = String(decoding: bytes, as: UTF8.self)
            } catch let error as RecordReaderError {
                return [.failure(QuarantinedRecord(source: url.path, line: 1, reason: "empty body: \(error.description)",
                                                   raw: ""))]
            }
            let raw = String(text.prefix(2_000))
            return [markdown(text, source: url.path, defaultID: (relative as NSString).deletingPathExtension)
                .map { ArticleRecord(article: $0, line: 1, raw: raw) }]
        default:
            let file = try RecordReader(path: url.path).readFile(path: url.path)
            notes += file.notes.map { "\(url.lastPathComponent): \($0)" }
            return file.records.map { result in
                switch result {
                case .failure(let bad):
                    return .failure(QuarantinedRecord(source: url.path, line: bad.line, reason: bad.reason, raw: bad.raw))
                case .success(let record):
                    return article(record.fields, source: url.path)
                        .map { ArticleRecord(article: $0, line: record.line, raw: record.raw) }
                        .mapError {
                            QuarantinedRecord(source: url.path, line: record.line, reason: $0.description, raw: record.raw)
                        }
                }
            }
        }
    }

    /// Parses one Markdown document (front matter + body).
    public func markdown(_ original: String, source: String, defaultID: String) -> Item {
        var fields: [String: String] = [:]
        let text = original.withUnixLineEndings  // CRLF and CR-only files keep their front matter
        var body = text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            guard let close = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
            else {
                return .failure(QuarantinedRecord(source: source, line: 1, reason: "front matter is never closed by ---",
                                             raw: String(text.prefix(2_000))))
            }
            var listKey: String?
            for index in 1..<close {
                let line = String(lines[index])
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                if trimmed.hasPrefix("- "), let key = listKey {
                    let item = Self.unquote(String(trimmed.dropFirst(2)))
                    fields[key] = fields[key].map { $0.isEmpty ? item : $0 + ", " + item } ?? item
                    continue
                }
                guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex else {
                    return .failure(QuarantinedRecord(source: source, line: index + 1,
                                                 reason: "front matter line is not 'key: value'", raw: line))
                }
                let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("[") && value.hasSuffix("]") {
                    fields[key] = value.dropFirst().dropLast().split(separator: ",")
                        .map { Self.unquote($0.trimmingCharacters(in: .whitespaces)) }.joined(separator: ", ")
                } else {
                    fields[key] = Self.unquote(value)
                }
                listKey = value.isEmpty ? key : nil
            }
            body = lines[(close + 1)...].joined(separator: "\n")
        }
        if fields["title"] == nil,
           let heading = body.split(separator: "\n").first(where: { $0.hasPrefix("# ") }) {
            fields["title"] = String(heading.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
        if fields["id"] == nil { fields["id"] = defaultID }
        if fields["title"] == nil { fields["title"] = (defaultID as NSString).lastPathComponent }
        fields["body"] = body.trimmingCharacters(in: .newlines)
        return article(fields, source: source).mapError {
            QuarantinedRecord(source: source, line: 1, reason: $0.description, raw: String(text.prefix(2_000)))
        }
    }

    /// Validates article fields (aliases: `article_id`; `name`, `question` for the title; `content`, `text`,
    /// `answers` for the body; `last_updated`, `updated_at`).
    func article(_ fields: [String: String], source: String) -> Result<Article, InvalidRecord> {
        func value(_ names: String...) -> String? {
            for name in names {
                if let v = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty { return v }
            }
            return nil
        }
        if let field = fields.keys.sorted().first(where: { $0.containsNUL || fields[$0]!.containsNUL }) {
            return .failure(InvalidRecord(TicketValidator.nulReason(field)))
        }
        guard let id = value("id", "article_id", "external_id") else { return .failure(InvalidRecord("missing id")) }
        guard let title = value("title", "name", "question") else { return .failure(InvalidRecord("missing title")) }
        guard let body = value("body", "content", "text", "answers") else { return .failure(InvalidRecord("empty body")) }
        guard body.count <= maxBodyLength else {
            return .failure(InvalidRecord("body is \(body.count) characters, over the limit of \(maxBodyLength)"))
        }
        guard id.count <= 200, title.count <= 500 else { return .failure(InvalidRecord("id or title too long")) }
        var updated: Date?
        if let raw = value("updated", "last_updated", "updated_at", "date") {
            guard let date = dates.parse(raw) else { return .failure(InvalidRecord("unparseable date '\(raw)'")) }
            updated = date
        }
        let tags = (value("tags") ?? "").split(whereSeparator: { $0 == "," || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return .success(Article(externalID: id, title: title, body: body, category: value("category"), tags: tags,
                                updatedAt: updated, source: source))
    }

    static func unquote(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}

/// An article as read, with where it came from: the line it starts on and its raw text (for a quarantine entry
/// when it is set aside later, e.g. as a duplicate).
public struct ArticleRecord: Sendable, Equatable {
    public var article: Article
    public var line: Int
    public var raw: String
}
