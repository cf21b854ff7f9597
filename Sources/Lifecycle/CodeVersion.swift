import Foundation

/// The version of the code that trains a model: the package version and the git commit of the checkout.
public enum CodeVersion {
    /// The package version of LocalTriage.
    public static let package = "0.5.0"

    /// `"<package> (<commit>[-dirty])"` from `git rev-parse HEAD` in `directory` (the current folder by default),
    /// or `"<package> (unknown)"` when there is no git or no checkout.
    public static func current(in directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> String {
        guard let commit = git(["rev-parse", "HEAD"], in: directory) else { return "\(package) (unknown)" }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory)?.isEmpty == false
        return "\(package) (\(commit)\(dirty ? "-dirty" : ""))"
    }

    private static func git(_ arguments: [String], in directory: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
