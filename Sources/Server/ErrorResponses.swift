import Domain
import Foundation
import Hummingbird
import Lifecycle
import Logging
import NIOCore
import NIOConcurrencyHelpers
import Store

/// A failed request as the API answers it: the status, a stable code chosen by what went wrong (clients branch
/// on the code, people read the message) and `{"error": {"code": "not_found", "message": "no ticket X"}}`.
public struct APIError: HTTPResponseError, Sendable {
    /// What went wrong, stable across releases.
    public enum Code: String, Sendable, CaseIterable, Codable {
        /// 400: a field missing, malformed or out of range.
        case invalidRequest = "invalid_request"
        /// 401: no credential, or one that is not valid.
        case unauthenticated
        /// 403: a valid credential whose role may not do this (or a missing CSRF token).
        case forbidden
        /// 404: no such route or item.
        case notFound = "not_found"
        /// 405: the route does not take this method.
        case methodNotAllowed = "method_not_allowed"
        /// 409: the item changed meanwhile, or the request conflicts with its state.
        case conflict
        /// 413: the body is larger than the route accepts.
        case tooLarge = "too_large"
        /// 415: not JSON where JSON is required.
        case unsupportedMediaType = "unsupported_media_type"
        /// 422: well-formed, but the store refuses the content.
        case invalidContent = "invalid_content"
        /// 507: the store's disk is full; nothing was saved.
        case storageFull = "storage_full"
        /// 503: the store cannot be read or written now.
        case storeUnavailable = "store_unavailable"
        /// 503: the router or the stored vectors come from another embedding model than the loaded one.
        case embedderMismatch = "embedder_mismatch"
        /// 503 or another 5xx: a dependency (the model server, say) is not ready.
        case unavailable
        /// 500: a failure the server logged; the message says no more.
        case `internal`

        /// The code of an error known only by its status.
        init(status: HTTPResponse.Status) {
            self = switch status.code {
            case 400: .invalidRequest
            case 401: .unauthenticated
            case 403: .forbidden
            case 404: .notFound
            case 405: .methodNotAllowed
            case 409: .conflict
            case 413: .tooLarge
            case 415: .unsupportedMediaType
            case 422: .invalidContent
            case 507: .storageFull
            case 500: .internal
            default: status.code >= 500 ? .unavailable : .invalidRequest
            }
        }
    }

    public var status: HTTPResponse.Status
    public var code: Code
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: Code? = nil, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code ?? Code(status: status)
        self.message = message
        self.headers = headers
    }

    private struct Body: Encodable {
        struct Detail: Encodable { var code: String; var message: String }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        let body = try JSONEncoder().encode(Body(error: .init(code: code.rawValue, message: message)))
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Every error answers as an `APIError`, with a body that says what went wrong, never an empty one: an unknown
/// route (404), a body over its limit (413), a store refusal by its kind (404, 409, 422), a store that cannot write
/// (disk full: 507) or read (503, remembered by `StorageHealth` so `/readyz` reports it), a router or vectors of
/// another embedding model than the loaded one (503, saying which), any other failure 500 (logged; the body says
/// so without detail).
struct ErrorResponseMiddleware: RouterMiddleware {
    let storage: StorageHealth

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, message: error.body ?? Self.message(for: error.status, request: request),
                           headers: error.headers)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, message: Self.message(for: .contentTooLarge, request: request))
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, message: Self.message(for: error.status, request: request))
        } catch {
            if let failure = StoreError.storageFailure(error) {
                storage.failed(failure)
                context.logger.error("store failure", metadata: ["error": .string("\(error)")])
                throw APIError(failure.status, code: failure.apiCode, message: failure.description)
            }
            if let refusal = (error as? StoreError) ?? (error as? any StoreFailureConvertible)?.storeError {
                throw APIError(refusal.status, code: refusal.apiCode, message: refusal.description)
            }
            if error is EmbedderMismatchError || error is EmbeddingDimensionError {
                context.logger.error("embedding model mismatch", metadata: ["error": .string("\(error)")])
                throw APIError(.serviceUnavailable, code: .embedderMismatch, message: "\(error)")
            }
            context.logger.error("request failed", metadata: ["error": .string("\(error)")])
            throw APIError(.internalServerError, message: "internal error: the server logged it")
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

    /// The API's code for a store refusal or failure.
    var apiCode: APIError.Code {
        switch code {
        case .notFound: .notFound
        case .conflict: .conflict
        case .invalid: .invalidContent
        case .full: .storageFull
        case .unavailable: .storeUnavailable
        }
    }
}
