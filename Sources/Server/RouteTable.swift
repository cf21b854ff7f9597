import Hummingbird
import NIOConcurrencyHelpers

/// Every route the server registers, as `METHOD /path/{param}`: the OpenAPI test compares it with the document.
public final class RouteTable: Sendable {
    private let entries = NIOLockedValueBox<[String]>([])

    public init() {}

    public var routes: Set<String> { Set(entries.withLockedValue { $0 }) }

    func add(_ method: HTTPRequest.Method, _ path: String) { entries.withLockedValue { $0.append("\(method.rawValue) \(path)") } }
}

/// Registers routes on a group and records them in a `RouteTable`.
struct RouteRegistrar {
    let group: RouterGroup<AppContext>
    let prefix: String
    let table: RouteTable

    func on(_ method: HTTPRequest.Method, _ path: String,
            use handler: @Sendable @escaping (Request, AppContext) async throws -> some ResponseGenerator) {
        table.add(method, prefix + path)
        group.on(RouterPath(path), method: method, use: handler)
    }
}
