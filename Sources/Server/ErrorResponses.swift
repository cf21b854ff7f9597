import Domain
import Foundation
import Hummingbird
import Lifecycle
import Logging
import NIOCore
import NIOConcurrencyHelpers
import Store

/// Every error answers with a body that says what went wrong (`{"error": {"message": …}}`), never an empty one:
/// an unknown route (404), a body over its limit (413), a store that cannot write (disk full: 507) or read (503,
/// remembered by `StorageHealth` so `/readyz` reports it), a router or vectors of another embedding model than the
/// loaded one (503, saying which), any other failure 500 (logged; the body says so without detail).
struct ErrorResponseMiddleware: RouterMiddleware {
    let storage: StorageHealth

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.body == nil {
            throw HTTPError(error.status, headers: error.headers, message: Self.message(for: error.status, request: request))
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: Self.message(for: .contentTooLarge, request: request))
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            if let failure = StoreError.storageFailure(error) {
                storage.failed(failure)
                context.logger.error("store failure", metadata: ["error": .string("\(error)")])
                throw HTTPError(failure.status, message: failure.description)
            }
            if let refusal = error as? StoreError { throw HTTPError(refusal.status, message: refusal.description) }
            if error is EmbedderMismatchError || error is EmbeddingDimensionError {
                context.logger.error("embedding model mismatch", metadata: ["error": .string("\(error)")])
                throw HTTPError(.serviceUnavailable, message: "\(error)")
            }
            context.logger.error("request failed", metadata: ["error": .string("\(error)")])
            throw HTTPError(.internalServerError, message: "internal error: the server logged it")
        }
    }

    static func message(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no route \(request.method.rawValue) \(request.uri.path)"
        case .contentTooLarge: "the request body is larger than this route accepts"
        case .methodNotAllowed: "\(request.method.rawValue) is not allowed on \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}

/// The store's health as requests find it: the last time a write failed for want of space or an I/O error.
/// `/readyz` reports the store as not ready for `window` after such a failure, and while the disk that holds the
/// store has less than `minimumFreeBytes` free.
public final class StorageHealth: Sendable {
    public let window: TimeInterval
    public let minimumFreeBytes: Int64
    private let lastFailure = NIOLockedValueBox<(error: StoreError, at: Date)?>(nil)

    public init(window: TimeInterval = 60, minimumFreeBytes: Int64 = 64 << 20) {
        self.window = window
        self.minimumFreeBytes = minimumFreeBytes
    }

    func failed(_ error: StoreError) {
        lastFailure.withLockedValue { $0 = (error, Date()) }
    }

    /// Why the store at `directory` cannot take writes now, or nil.
    public func problem(directory: URL, now: Date = Date()) -> String? {
        if let (error, at) = lastFailure.withLockedValue({ $0 }), now.timeIntervalSince(at) < window {
            return "failing: \(error.description) (\(Int(now.timeIntervalSince(at))) s ago)"
        }
        if let free = (try? FileManager.default.attributesOfFileSystem(forPath: directory.path))?[.systemFreeSize] as? NSNumber,
           free.int64Value < minimumFreeBytes {
            return "disk nearly full: \(free.int64Value >> 20) MB free where the store lives"
        }
        return nil
    }
}

extension StoreError {
    /// The HTTP status of a store refusal or failure.
    var status: HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .conflict: .conflict
        case .invalid: .unprocessableContent
        case .full: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .unavailable: .serviceUnavailable
        }
    }
}
