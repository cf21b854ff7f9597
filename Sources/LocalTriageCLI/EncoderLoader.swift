import Embeddings
import Foundation

/// Loads the in-process sentence encoder for commands that need it.
enum EncoderLoader {
    /// The encoder from `explicit`, `LOCALTRIAGE_MINILM_DIR`, or the `.venv` of the current folder or of the
    /// checkout holding this binary.
    static func load(explicit: String? = nil) throws -> SentenceEncoder {
        var roots = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            roots.append(folder)
            folder.deleteLastPathComponent()
        }
        var lastError: Error?
        for root in roots {
            do {
                return try SentenceEncoder(modelDirectory: try ModelLocator.miniLM(explicit: explicit, root: root))
            } catch {
                lastError = error
                if explicit != nil { break }
            }
        }
        throw lastError!
    }

    /// The encoder, or nil with a note on stderr saying why semantic search is off.
    static func loadIfAvailable(explicit: String? = nil) -> SentenceEncoder? {
        do {
            return try load(explicit: explicit)
        } catch {
            Report.note("note: semantic search is off: \(error)")
            return nil
        }
    }
}
