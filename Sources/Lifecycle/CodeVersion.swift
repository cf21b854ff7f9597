import Foundation

/// The version of the code that trains a model: the package version and the git commit of the checkout.
public enum CodeVersion {
    /// The package version of LocalTriage.
    public static let package = "0.5.0"

    /// `"<package> (<commit>[-dirty])"` from `git rev-parse HEAD` in the checkout holding the running binary, else
    /// in the current folder; `"<package> (unknown)"` when neither is in a git checkout or git is missing.
    public static func current() -> String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for directory in [binary, here] {
            guard let commit = git(["rev-parse", "HEAD"], in: directory) else { continue }
            let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory)?.isEmpty == false
            return "\(package) (\(commit)\(dirty ? "-dirty" : ""))"
        }
        return "\(package) (unknown)"
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
