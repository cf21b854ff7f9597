/// An evaluation that cannot run on the data it was given, and why.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
