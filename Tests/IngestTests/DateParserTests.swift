import Foundation
import Readers
import Testing

@Suite struct DateParserTests {
    private let parser = DateParser()

    @Test(arguments: [
        ("2026-10-01T09:30:00Z", 1_790_847_000.0),
        ("2026-10-01T09:30:00.250Z", 1_790_847_000.25),
        ("2026-10-01T11:30:00+02:00", 1_790_847_000.0),
        ("2026-10-01T04:30:00-0500", 1_790_847_000.0),
        ("2026-10-01 09:30:00", 1_790_847_000.0),
        ("2026-10-01 09:30", 1_790_847_000.0),
        ("2026/10/01", 1_790_812_800.0),
        ("2026-10-01", 1_790_812_800.0),
        ("1790847000", 1_790_847_000.0),
        ("2024-02-29", 1_709_164_800.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ])
    func parsesCommonForms(raw: String, epoch: Double) {
        #expect(parser.parse(raw)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: ["yesterday", "2026-13-01", "2026-02-30", "2025-02-29", "2026-10-01T25:00", "2026-10-01T10:00:00Q",
                      "01/10/2026", "2026-10", "", "2026-10-01T09:30:00Z trailing"])
    func rejectsTheRest(raw: String) {
        #expect(parser.parse(raw) == nil)
    }

    @Test func agreesWithFoundationOnISO8601() throws {
        for text in ["2026-08-01T00:00:00Z", "2026-11-20T23:59:59Z", "2000-02-29T12:00:00Z"] {
            #expect(parser.parse(text) == (try Date(text, strategy: .iso8601)))
        }
    }
}
