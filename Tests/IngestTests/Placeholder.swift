import Testing
@Suite struct IngestPlaceholder { @Test func builds() { #expect(Bool(true)) } }
