import Foundation
import Privacy

/// A chat model behind an endpoint that is not the embedded llama-server: every message's text (the ticket, the
/// sources, the instructions) goes out with its personal data replaced by numbered placeholders, and the reply,
/// streamed or whole, comes back with the real values restored before anyone reads it (the verifier, the agent).
/// Each request has its own redactor, so the same value is the same placeholder throughout one prompt.
public struct RedactingChatModel: ChatModel {
    public let base: any ChatModel
    public let detector: PersonalDataDetector

    public init(_ base: any ChatModel, detector: PersonalDataDetector = PersonalDataDetector()) {
        self.base = base
        self.detector = detector
    }

    public var modelName: String { base.modelName }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<String, Error> {
        var redactor = Redactor(detector: detector)
        var redacted = request
        redacted.messages = request.messages.map { ChatMessage($0.role, redactor.redact($0.content)) }
        let upstream = base.stream(redacted)
        let restorer = redactor
        return AsyncThrowingStream { continuation in
            let task = Task {
                var restoring = Redactor.StreamRestorer(restorer)
                do {
                    for try await piece in upstream {
                        let ready = restoring.take(piece)
                        if !ready.isEmpty { continuation.yield(ready) }
                    }
                    let rest = restoring.finish()
                    if !rest.isEmpty { continuation.yield(rest) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
