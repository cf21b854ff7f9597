import Foundation

/// A one-line progress bar on standard error, drawn only when standard output is a terminal.
enum ProgressBar {
    static func forTerminal(label: String, enabled: Bool = true) -> (@Sendable (Int, Int) -> Void)? {
        guard enabled, isatty(STDOUT_FILENO) == 1 else { return nil }
        return { done, total in
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            var line = "\r\(label) [\(bar)] \(done)/\(total)"
            if done >= total { line += "\n" }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
