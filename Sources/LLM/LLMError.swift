/// Why a model call did not give an answer.
public enum LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The endpoint is not allowed (zero egress) or not well-formed.
    case refused(String)
    /// The server could not be reached, or answered with a server error after every retry.
    case unavailable(String)
    /// No first token, or no end of the answer, within the configured time.
    case timedOut(String)
    /// The server answered with something that is not an OpenAI-compatible chat completion.
    case badResponse(String)

    public var description: String {
        switch self {
        case .refused(let why): "refused: \(why)"
        case .unavailable(let why): "model server unavailable: \(why)"
        case .timedOut(let why): "timed out: \(why)"
        case .badResponse(let why): "bad response: \(why)"
        }
    }
}
