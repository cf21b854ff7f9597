import Testing
@Suite struct DomainPlaceholder { @Test func builds() { #expect(Bool(true)) } }
