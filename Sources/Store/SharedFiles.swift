import Domain
import Foundation

/// Moving a home's folders into the store and back (`SharedFile`): what one process writes into its home — a
/// router version, the monitor's latest report — every other process of the install reads from the store, on
/// whichever machine it runs and whatever its home holds.
extension ModelLifecycleStore {
    /// Saves the files of `folder` (a path inside `home`, e.g. `models/router/<version>`) in one transaction,
    /// replacing what the store held under their paths. Files that are not UTF-8 text are refused.
    public func publishFolder(_ folder: String, home: URL) async throws {
        let directory = home.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var files: [SharedFile] = []
        for name in names where !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            guard let text = String(data: try Data(contentsOf: url), encoding: .utf8) else {
                throw StoreError("\(url.path) is not UTF-8 text: the store shares text files only", code: .invalid)
            }
            files.append(SharedFile(path: folder + "/" + name, text: text))
        }
        try await saveSharedFiles(files)
    }

    /// Writes into `home` the files of `folder` that the store holds and the home lacks (a file the home has is
    /// left as it is: the SHA-256 checks of its reader decide whether it may be used). Returns false when the store
    /// holds no file of the folder. A stored text that no longer matches its recorded SHA-256 is refused.
    @discardableResult
    public func restoreFolder(_ folder: String, home: URL) async throws -> Bool {
        let files = try await sharedFiles(under: folder + "/")
        for file in files {
            guard ContentHash.sha256(file.text) == file.sha256 else {
                throw StoreError(
                    "the stored \(file.path) does not match its SHA-256: it changed after it was saved",
                    code: .invalid)
            }
            let url = home.appendingPathComponent(file.path)
            guard !FileManager.default.fileExists(atPath: url.path) else { continue }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url, options: .atomic)
        }
        return !files.isEmpty
    }
}
