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

    @Test func postgresURLsAreKeptWholeAndShownWithoutTheirPassword() throws {
        let home = URL(fileURLWithPath: "/srv/lt", isDirectory: true)
        let url = "postgres://triage:s3cret@db.internal:5433/localtriage?sslmode=require"
        let configuration = try StoreConfiguration(url: url, home: home)
        #expect(configuration.backend == .postgres(url: url))
        #expect(configuration.description == "postgres://triage:***@db.internal:5433/localtriage?sslmode=require")
        #expect(try StoreConfiguration(url: "postgresql://triage@localhost/lt", home: home).description
                == "postgresql://triage@localhost/lt")
        #expect(throws: StoreError.self) { try StoreConfiguration(url: url, home: home).openSQLite() }
    }

    @Test func badURLsAreInvalidAndNameTheAcceptedForm() {
        let home = URL(fileURLWithPath: "/srv/lt", isDirectory: true)
        for (url, mentions) in [("store.sqlite", "no scheme"), ("sqlite:", "no path"), ("mysql://db/lt", "not one of: sqlite"),
                                ("postgres://db/lt", "needs a user and a host"), ("postgres://:pw@/lt", "needs a user")] {
            #expect {
                try StoreConfiguration(url: url, home: home)
            } throws: { error in
                guard let error = error as? StoreError else { return false }
                return error.code == .invalid && error.description.contains(mentions) && error.description.contains("sqlite:PATH")
                    && (url == "sqlite:" || error.description.contains("postgres://USER")) && !error.description.contains("pw@")
            }
        }
    }

    @Test func theOpenedStoreIsTheFileTheURLNames() async throws {
        let home = try TestSupport.temporaryDirectory("store-config")
        let store = try StoreConfiguration(url: "sqlite:nested.sqlite", home: home).openSQLite()
        try await store.appendAudit(AuditEvent(actor: "test", action: "probe", target: "x"))
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("nested.sqlite").path))
        let reopened = try StoreConfiguration(url: "sqlite:nested.sqlite", home: home).openSQLite()
        #expect(try await reopened.auditLog(limit: 10).contains { $0.action == "probe" })
    }
}
