import Domain
import Testing

@Suite struct ChunkerTests {
    /// The article text between two scalar offsets.
    private func slice(_ body: String, _ start: Int, _ end: Int) -> String {
        let scalars = Array(body.unicodeScalars)
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    private func longArticle() -> String {
        var body = "# Exporting data\n\nIntro paragraph that explains the export feature in a sentence or two.\n\n"
        for section in 1...6 {
            body += "## Section \(section)\n\n"
            for n in 1...12 {
                body += "Step \(n) of section \(section) says to click the button labelled Export number \(n). "
            }
            body += "\n\n- A bullet with café, naïve and 東京 text.\n- Another bullet.\n\n"
        }
        return body
    }

    @Test func everyChunkMapsBackToTheArticle() {
        let body = longArticle()
        let chunks = Chunker().chunks(of: body, title: "Exporting data")
        #expect(chunks.count > 3)
        for chunk in chunks {
            #expect(slice(body, chunk.start, chunk.end) == chunk.text)
            #expect(chunk.text.unicodeScalars.count <= 1000)
        }
        #expect(chunks.map(\.ordinal) == Array(0..<chunks.count))
    }

    @Test func chunksCoverAllTextWithOnlyBoundedOverlap() {
        let body = longArticle()
        let chunker = Chunker(maxLength: 500, minLength: 100, overlap: 120)
        let chunks = chunker.chunks(of: body, title: "T")
        let scalars = Array(body.unicodeScalars)
        var covered = [Bool](repeating: false, count: scalars.count)
        for chunk in chunks { for i in chunk.start..<chunk.end { covered[i] = true } }
        for (i, scalar) in scalars.enumerated() where !scalar.properties.isWhitespace {
            #expect(covered[i], "scalar \(i) (\(scalar)) is in no chunk")
        }
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            #expect(next.start >= previous.start)
            #expect(max(0, previous.end - next.start) <= 120, "overlap of \(previous.end - next.start)")
        }
        let totalChunked = chunks.reduce(0) { $0 + $1.end - $1.start }
        #expect(Double(totalChunked) < Double(scalars.count) * 1.25, "chunks repeat too much text")
        #expect(Set(chunks.map(\.text)).count == chunks.count)
    }

    @Test func sectionsStartNewChunksAndCarryTheirHeadingPath() throws {
        let body = """
            # Guide

            Intro text that is long enough to stand on its own as a chunk of the guide, more than the minimum.

            ## Billing

            ### Refunds

            Refunds take five days.

            ## Security

            Turn on two-factor authentication.
            """
        let chunks = Chunker(maxLength: 400, minLength: 30, overlap: 50).chunks(of: body, title: "Guide")
        try #require(chunks.count == 3)
        #expect(chunks[0].heading == "Guide")
        #expect(chunks[1].heading == "Guide › Billing")
        #expect(chunks[1].text.hasPrefix("## Billing") && chunks[1].text.contains("Refunds take five days."))
        #expect(chunks[2].heading == "Guide › Security")
    }

    @Test func smallSectionsMergeInsteadOfMakingFragments() {
        let body = "## A\n\nShort.\n\n## B\n\nAlso short.\n\n## C\n\nTiny."
        let chunks = Chunker(maxLength: 400, minLength: 200, overlap: 50).chunks(of: body, title: "T")
        #expect(chunks.count == 1)
        #expect(chunks[0].text == body)
    }

    @Test func overLongSentencesAreCutAtWhitespace() {
        let word = "lorem "
        let body = String(repeating: word, count: 500).trimmingCharacters(in: .whitespaces)
        let chunks = Chunker(maxLength: 300, minLength: 50, overlap: 0).chunks(of: body, title: "T")
        #expect(chunks.count >= 10)
        for chunk in chunks {
            #expect(chunk.text.unicodeScalars.count <= 300)
            #expect(!chunk.text.hasPrefix(" ") && !chunk.text.hasSuffix(" "))
            #expect(chunk.text.split(separator: " ").allSatisfy { $0 == "lorem" })
        }
    }

    @Test func headingsInsideCodeFencesAreText() {
        let body = "## Real\n\n```\n# not a heading\n```\n\nMore."
        let chunks = Chunker(maxLength: 400, minLength: 10, overlap: 0).chunks(of: body, title: "T")
        #expect(chunks.count == 1)
        #expect(chunks.first?.heading == "Real")
    }

    @Test func emptyBodyHasNoChunks() {
        #expect(Chunker().chunks(of: "  \n\n ", title: "T").isEmpty)
    }
}

@Suite struct PriorityAndStatusTests {
    @Test(arguments: [
        ("P1", Priority.p1), ("p2", .p2), ("P1-Critical", .p1), ("P3 - Medium", .p3), ("4", .p4), ("sev2", .p2),
        ("Critical", .p1), ("URGENT", .p1), ("high", .p2), ("Normal", .p3), ("medium", .p3), ("low", .p4),
        ("Priority 1", .p1),
    ])
    func parsesPriorities(raw: String, expected: Priority) {
        #expect(Priority(parsing: raw) == expected)
    }

    @Test(arguments: ["P9", "P0", "whenever", "", "12", "P1P2"])
    func rejectsUnknownPriorities(raw: String) {
        #expect(Priority(parsing: raw) == nil)
    }

    @Test func prioritiesOrderByUrgency() {
        #expect(Priority.p1 < .p2 && Priority.p3 < .p4)
        #expect(Priority.allCases.map(\.level) == [1, 2, 3, 4])
    }

    @Test func parsesStatuses() {
        #expect(TicketStatus(parsing: "Solved") == .resolved)
        #expect(TicketStatus(parsing: "In Progress") == .open)
        #expect(TicketStatus(parsing: "waiting on customer") == .pending)
        #expect(TicketStatus(parsing: "on-hold") == .onHold)
        #expect(TicketStatus(parsing: "whatever") == nil)
        #expect(TicketStatus.closed.isResolved && !TicketStatus.open.isResolved)
    }
}
