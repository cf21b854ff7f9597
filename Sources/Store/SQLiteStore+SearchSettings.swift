import Foundation
import GRDB

extension SQLiteStore {
    public func searchSettings(kbHash: String) async throws -> SearchSettings? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT details FROM search_settings WHERE kb_hash = ?", arguments: [kbHash])
                .map { try JSONDecoder.storeDetails.decode(SearchSettings.self, from: Data($0.utf8)) }
        }
    }

    public func latestSearchSettings() async throws -> SearchSettings? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT details FROM search_settings ORDER BY chosen_at DESC, rowid DESC LIMIT 1")
                .map { try JSONDecoder.storeDetails.decode(SearchSettings.self, from: Data($0.utf8)) }
        }
    }

    public func saveSearchSettings(_ settings: SearchSettings) async throws {
        let details = String(decoding: try JSONEncoder.storeDetails.encode(settings), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO search_settings (kb_hash, chosen_at, details) VALUES (?, ?, ?)",
                           arguments: [settings.kbHash, settings.chosenAt, details])
        }
    }
}
