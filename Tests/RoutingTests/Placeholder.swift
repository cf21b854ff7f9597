import Testing
@Suite struct RoutingPlaceholder { @Test func builds() { #expect(Bool(true)) } }
