import Testing
@Suite struct CLIPlaceholder { @Test func builds() { #expect(Bool(true)) } }
