/// An error of the model lifecycle, with a message for people (a refused promotion says why, with numbers).
public struct LifecycleError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
