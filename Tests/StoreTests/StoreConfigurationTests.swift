import Domain
import Foundation
import Store
import TestSupport
import Testing

@Suite struct StoreConfigurationTests {
    @Test func sqliteURLsResolveInsideTheHomeUnlessAbsolute() throws {
        let home = URL(fileURLWithPath: "/srv/lt", isDirectory: true)
        #expect(StoreConfiguration.embedded(home: home).backend == .sqlite(path: "/srv/lt/store.sqlite"))
        #expect(try StoreConfiguration(url: "sqlite:other.sqlite", home: home).backend == .sqlite(path: "/srv/lt/other.sqlite"))
        #expect(try StoreConfiguration(url: "sqlite:/data/a.sqlite", home: home).backend == .sqlite(path: "/data/a.sqlite"))
        #expect(try StoreConfiguration(url: "SQLite:///data/a.sqlite", home: home).description == "sqlite:/data/a.sqlite")
    }

    @Test func badURLsAreInvalidAndNameTheAcceptedForm() {
        let home = URL(fileURLWithPath: "/srv/lt", isDirectory: true)
        for (url, mentions) in [("store.sqlite", "no scheme"), ("sqlite:", "no path"), ("postgres://db/lt", "not one of: sqlite")] {
            #expect {
                try StoreConfiguration(url: url, home: home)
            } throws: { error in
                guard let error = error as? StoreError else { return false }
                return error.code == .invalid && error.description.contains(mentions) && error.description.contains("sqlite:PATH")
            }
        }
    }

    @Test func theOpenedStoreIsTheFileTheURLNames() async throws {
        let home = try TestSupport.temporaryDirectory("store-config")
        let store = try StoreConfiguration(url: "sqlite:nested.sqlite", home: home).open()
        try await store.appendAudit(AuditEvent(actor: "test", action: "probe", target: "x"))
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("nested.sqlite").path))
        let reopened = try StoreConfiguration(url: "sqlite:nested.sqlite", home: home).open()
        #expect(try await reopened.auditLog(limit: 10).contains { $0.action == "probe" })
    }
}
