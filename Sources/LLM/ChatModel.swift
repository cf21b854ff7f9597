import Foundation

/// One message of a chat.
public struct ChatMessage: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable { case system, user, assistant }
    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// A chat completion request, in the terms every OpenAI-compatible server understands.
public struct ChatRequest: Sendable, Equatable {
    public var messages: [ChatMessage]
    public var maxTokens: Int
    public var temperature: Double
    public var stop: [String]
    public var seed: Int?
    /// A GBNF grammar the output must follow (llama.cpp servers only; ignored unless the client sends it).
    public var grammar: String?

    public init(messages: [ChatMessage], maxTokens: Int = 256, temperature: Double = 0.2, stop: [String] = [],
                seed: Int? = nil, grammar: String? = nil) {
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stop = stop
        self.seed = seed
        self.grammar = grammar
    }
}

/// A chat model that streams its answer as text pieces.
public protocol ChatModel: Sendable {
    /// The model's name as reported in drafts and evaluations.
    var modelName: String { get }
    /// The answer's text, piece by piece as it is generated. Cancelling the consuming task cancels the request.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<String, Error>
}

extension ChatModel {
    /// The whole answer.
    public func complete(_ request: ChatRequest) async throws -> String {
        var text = ""
        for try await piece in stream(request) { text += piece }
        try Task.checkCancellation()
        return text
    }
}
