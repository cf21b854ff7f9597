import Foundation

/// Splits a Markdown article into passages for retrieval.
///
/// Heading-aware (a new section starts a new chunk once the current one is at least `minLength` long),
/// bounded (no chunk is longer than `maxLength` Unicode scalars), with a small overlap (up to `overlap` scalars of
/// whole sentences carried into the next chunk when a section is split for length). Every chunk's text is exactly
/// `body[start..<end]`; no text is repeated beyond that bounded overlap.
public struct Chunker: Sendable {
    public var maxLength: Int
    public var minLength: Int
    public var overlap: Int

    public init(maxLength: Int = 1000, minLength: Int = 200, overlap: Int = 160) {
        precondition(maxLength > 0 && overlap < maxLength && minLength <= maxLength)
        self.maxLength = maxLength
        self.minLength = minLength
        self.overlap = overlap
    }

    /// A span of the body that is never split: a heading line, a sentence, or a piece of an over-long sentence.
    private struct Unit {
        var range: Range<Int>
        var isHeading: Bool
        var headingPath: [String]
    }

    public func chunks(of body: String, title: String) -> [Chunk] {
        let scalars = Array(body.unicodeScalars)
        let units = self.units(scalars)
        var chunks: [Chunk] = []
        var current: [Unit] = []

        func emit() {
            guard let first = current.first, let last = current.last else { return }
            let path = first.headingPath.isEmpty ? [title] : first.headingPath
            let text = String(String.UnicodeScalarView(scalars[first.range.lowerBound..<last.range.upperBound]))
            chunks.append(Chunk(ordinal: chunks.count, heading: path.joined(separator: " › "), text: text,
                                start: first.range.lowerBound, end: last.range.upperBound))
        }

        for unit in units {
            guard let start = current.first?.range.lowerBound else {
                current = [unit]
                continue
            }
            if unit.isHeading, unit.range.lowerBound - start >= minLength {
                emit()
                current = [unit]
            } else if unit.range.upperBound - start > maxLength {
                emit()
                // Carry whole trailing sentences of the same section, up to `overlap` scalars, if they fit.
                var carried: [Unit] = []
                let emittedEnd = current.last!.range.upperBound
                for previous in current.dropFirst().reversed() {
                    guard !previous.isHeading, previous.headingPath == unit.headingPath,
                          unit.range.upperBound - previous.range.lowerBound <= maxLength,
                          emittedEnd - previous.range.lowerBound <= overlap else { break }
                    carried.insert(previous, at: 0)
                }
                current = carried + [unit]
            } else {
                current.append(unit)
            }
        }
        emit()
        return chunks
    }

    /// Cuts the body into headings and sentences (lines never merge across a blank line into one sentence).
    private func units(_ s: [Unicode.Scalar]) -> [Unit] {
        var units: [Unit] = []
        var path: [(level: Int, title: String)] = []
        var inFence = false
        var lineStart = 0
        while lineStart < s.count {
            var lineEnd = lineStart
            while lineEnd < s.count && s[lineEnd] != "\n" { lineEnd += 1 }
            let line = s[lineStart..<lineEnd]
            let trimmedStart = line.firstIndex { !$0.properties.isWhitespace } ?? lineEnd
            let trimmedEnd = (line.lastIndex { !$0.properties.isWhitespace }).map { $0 + 1 } ?? trimmedStart
            if trimmedStart < trimmedEnd {
                let content = s[trimmedStart..<trimmedEnd]
                if content.starts(with: ["`", "`", "`"]) { inFence.toggle() }
                if !inFence, content.count <= maxLength, let level = headingLevel(content) {
                    let title = String(String.UnicodeScalarView(content.dropFirst(level)))
                        .trimmingCharacters(in: .whitespaces)
                    path.removeAll { $0.level >= level }
                    path.append((level, title))
                    units.append(Unit(range: trimmedStart..<trimmedEnd, isHeading: true, headingPath: path.map(\.title)))
                } else {
                    for range in sentences(s, trimmedStart..<trimmedEnd) {
                        units.append(Unit(range: range, isHeading: false, headingPath: path.map(\.title)))
                    }
                }
            }
            lineStart = lineEnd + 1
        }
        return units
    }

    private func headingLevel(_ content: ArraySlice<Unicode.Scalar>) -> Int? {
        let hashes = content.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), content.count > hashes,
              content[content.startIndex + hashes] == " " else { return nil }
        return hashes
    }

    /// Sentence ranges within one line; sentences longer than `maxLength` are cut at whitespace.
    private func sentences(_ s: [Unicode.Scalar], _ line: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = line.lowerBound
        var i = line.lowerBound
        while i < line.upperBound {
            let c = s[i]
            let isCJKStop = c == "。" || c == "！" || c == "？"
            let isStop = (c == "." || c == "!" || c == "?") && (i + 1 == line.upperBound || s[i + 1] == " ")
            if isCJKStop || isStop || i + 1 == line.upperBound {
                ranges.append(start..<(i + 1))
                var next = i + 1
                while next < line.upperBound && s[next] == " " { next += 1 }
                start = next
                i = next
            } else {
                i += 1
            }
        }
        return ranges.flatMap { splitLong(s, $0) }
    }

    private func splitLong(_ s: [Unicode.Scalar], _ range: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        while range.upperBound - start > maxLength {
            let limit = start + maxLength
            var cut = limit
            while cut > start + maxLength / 2 && !s[cut].properties.isWhitespace { cut -= 1 }
            if cut <= start + maxLength / 2 { cut = limit }  // no space nearby: cut hard
            var end = cut
            while end > start && s[end - 1].properties.isWhitespace { end -= 1 }
            pieces.append(start..<end)
            start = cut
            while start < range.upperBound && s[start].properties.isWhitespace { start += 1 }
        }
        if start < range.upperBound { pieces.append(start..<range.upperBound) }
        return pieces
    }
}
