import Dispatch

/// Runs seconds-long CPU work (embedding a batch, training a model) on a dispatch queue instead of a Swift
/// concurrency thread: the cooperative pool has one thread per core, and work held on it stalls every timer and
/// request of the process meanwhile.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .utility).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
