import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How to run the embedded model server.
public struct LlamaServerOptions: Sendable {
    public var binary: URL
    public var model: URL
    /// 0 picks a free loopback port.
    public var port: Int
    /// At most the machine's cores.
    public var threads: Int
    public var contextSize: Int
    /// Where the server's own log goes (nil: discarded).
    public var logFile: URL?
    public var readinessTimeout: Duration
    /// Restarts after a crash before the supervisor gives up.
    public var maxRestarts: Int
    /// A folder where each supervisor records the server it runs (`llama-server.<supervisor pid>.pid`), so that
    /// a server left behind by a supervisor that was killed or crashed is stopped by the next `start()` (Linux).
    public var pidDirectory: URL?

    public init(binary: URL, model: URL, port: Int = 0, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                contextSize: Int = 4096, logFile: URL? = nil, readinessTimeout: Duration = .seconds(90),
                maxRestarts: Int = 3) {
        self.binary = binary
        self.model = model
        self.port = port
        self.threads = max(1, min(threads, ProcessInfo.processInfo.activeProcessorCount))
        self.contextSize = contextSize
        self.logFile = logFile
        self.readinessTimeout = readinessTimeout
        self.maxRestarts = maxRestarts
    }

    /// The binary and GGUF installed by `scripts/setup.sh` under `<root>/.venv`, or `LOCALTRIAGE_LLAMA_SERVER`
    /// and `LOCALTRIAGE_LLM_GGUF`.
    public static func installed(root: URL) throws -> LlamaServerOptions {
        let env = ProcessInfo.processInfo.environment
        let binary = env["LOCALTRIAGE_LLAMA_SERVER"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent(".venv/bin/llama-server")
        let model = env["LOCALTRIAGE_LLM_GGUF"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent(".venv/share/localtriage/gemma-3-270m-q4_k_m.gguf")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw LLMError.unavailable("no llama-server at \(binary.path): run `make setup` (or set LOCALTRIAGE_LLAMA_SERVER)")
        }
        guard FileManager.default.fileExists(atPath: model.path) else {
            throw LLMError.unavailable("no model at \(model.path): run `make setup` (or set LOCALTRIAGE_LLM_GGUF)")
        }
        return LlamaServerOptions(binary: binary, model: model)
    }
}

/// Starts `llama-server` on loopback with the Gemma 3 270M base model (`--no-jinja --chat-template gemma`),
/// waits until it is ready, restarts it when it crashes, and stops it on `stop()`.
public actor LlamaServer {
    public nonisolated let options: LlamaServerOptions
    /// The model name clients send and drafts record.
    public nonisolated let modelName: String
    private var process: Process?
    private var port: Int
    private var stopping = false
    private var restarts = 0
    private let http = HTTPClient.modelServers

    public init(options: LlamaServerOptions) {
        self.options = options
        self.port = options.port
        self.modelName = options.model.deletingPathExtension().lastPathComponent
    }

    /// The OpenAI-compatible API root, such as `http://127.0.0.1:41234/v1`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    /// How many times the server was restarted after a crash.
    public var restartCount: Int { restarts }

    /// The API root the server has (or will have once started): picks its free port when none was given, so a
    /// client can be made before the server is up.
    public func endpoint() throws -> URL {
        if port == 0 { port = try Self.freePort() }
        return baseURL
    }

    /// Launches the server and returns once it answers `/health` with 200.
    @discardableResult
    public func start() async throws -> URL {
        stopping = false
        if let pidDirectory = options.pidDirectory { await Self.stopOrphans(in: pidDirectory) }
        _ = try endpoint()
        try launch()
        try await waitUntilReady()
        return baseURL
    }

    /// True when `/health` answers 200 (the model is loaded) within `timeout`.
    public func isReady(timeout: Duration = .seconds(2)) async -> Bool {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        request.method = .GET
        guard let response = try? await http.execute(request, timeout: .init(timeout)) else { return false }
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return response.status == .ok
    }

    /// The running server's process id (nil when stopped).
    public var processID: Int32? { process.map(\.processIdentifier) }

    /// How `stop()` ended the server.
    public enum Stopped: Sendable, Equatable {
        case notRunning, terminated, killed
    }

    /// Stops the server: SIGTERM, then SIGKILL after five seconds.
    @discardableResult
    public func stop() async -> Stopped {
        stopping = true
        guard let process, process.isRunning else { self.process = nil; return .notRunning }
        process.terminate()
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
        if let pidFile { try? FileManager.default.removeItem(at: pidFile) }
        return killed ? .killed : .terminated
    }

    /// This supervisor's pid file, when `pidDirectory` is set.
    private var pidFile: URL? {
        options.pidDirectory?.appendingPathComponent("llama-server.\(getpid()).pid")
    }

    /// Stops the llama-servers recorded in `directory` whose supervisor is gone (killed or crashed before it
    /// could stop them), and removes their files; returns how many it stopped. A recorded process is only
    /// signalled while its command line is still a llama-server's (pids are reused).
    @discardableResult
    public static func stopOrphans(in directory: URL) async -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        var stopped = 0
        for file in files where file.lastPathComponent.hasPrefix("llama-server.") && file.pathExtension == "pid" {
            let supervisor = Int32(file.deletingPathExtension().pathExtension) ?? 0
            guard supervisor > 0, kill(supervisor, 0) != 0, errno == ESRCH else { continue }  // supervisor alive
            if let text = try? String(contentsOf: file, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), isLlamaServer(pid) {
                kill(pid, SIGTERM)
                for _ in 0..<50 where isLlamaServer(pid) { try? await Task.sleep(for: .milliseconds(100)) }
                if isLlamaServer(pid) { kill(pid, SIGKILL) }
                stopped += 1
            }
            try? FileManager.default.removeItem(at: file)
        }
        return stopped
    }

    /// Whether `pid` is a running (not zombie) llama-server, read from /proc (false where there is none).
    private static func isLlamaServer(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        let program = command.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return state != "Z" && program.hasSuffix("llama-server")
    }

    private func launch() throws {
        let process = Process()
        process.executableURL = options.binary
        process.arguments = [
            "--model", options.model.path, "--host", "127.0.0.1", "--port", String(port),
            "--threads", String(options.threads), "--ctx-size", String(options.contextSize), "--parallel", "1",
            "--no-jinja", "--chat-template", "gemma", "--no-webui",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_WAIT_POLICY"] = "PASSIVE"
        process.environment = environment
        if let logFile = options.logFile {
            try FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: logFile.path) {
                _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: logFile)
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [weak self] ended in
            let status = ended.terminationStatus
            Task { await self?.exited(status: status, pid: ended.processIdentifier) }
        }
        // A child starts with the spawning thread's blocked signals, and the threads Swift code runs on block
        // SIGTERM: unblocked for the spawn, llama-server stops on `terminate()` instead of being killed 5 s later.
        var none = sigset_t(), previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        self.process = process
        if let pidFile, let directory = options.pidDirectory {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "\(process.processIdentifier)\n".write(to: pidFile, atomically: true, encoding: .utf8)
        }
    }

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + options.readinessTimeout
        while ContinuousClock.now < deadline {
            if await isReady() { return }
            guard let process, process.isRunning else {
                throw LLMError.unavailable("llama-server exited while starting (see \(options.logFile?.path ?? "its log"))")
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        await stop()
        throw LLMError.timedOut("llama-server was not ready within \(options.readinessTimeout)")
    }

    /// Restarts a server that ended on its own, up to `maxRestarts` times.
    private func exited(status: Int32, pid: Int32) async {
        guard !stopping, process?.processIdentifier == pid else { return }
        process = nil
        guard restarts < options.maxRestarts else { return }
        restarts += 1
        do {
            try launch()
            try await waitUntilReady()
        } catch {
            process = nil
        }
    }

    /// A loopback port no one listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LLMError.unavailable("no socket for a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw LLMError.unavailable("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
