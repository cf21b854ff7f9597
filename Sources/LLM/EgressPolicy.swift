import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zero egress: ticket text may only go to a model server on this machine (loopback), or to a private-network
/// address the operator named explicitly. Anything else is refused unless remote models are allowed outright.
///
/// The decision is made on the address the system resolver gives for the host (getaddrinfo, which reads numeric
/// forms as inet_aton does: `0127.0.0.1` is 87.0.0.1, `127.1` and `2130706433` are 127.0.0.1), never on the
/// host's text, and each request is sent to the very address that was checked (`destination(of:)`), so a name
/// that resolves elsewhere later cannot take a connection off the machine.
public struct EgressPolicy: Sendable, Equatable {
    /// Hosts (names or addresses) the operator has allowed: each must resolve to private-network addresses only
    /// (10/8, 172.16/12, 192.168/16, fc00::/7), and an endpoint may then be on one of those addresses.
    public var allowedPrivateHosts: Set<String>
    /// `--allow-remote-llm`: any host is accepted.
    public var allowRemote: Bool

    public init(allowedPrivateHosts: Set<String> = [], allowRemote: Bool = false) {
        self.allowedPrivateHosts = allowedPrivateHosts
        self.allowRemote = allowRemote
    }

    /// Throws unless a request to `url` is allowed.
    public func check(_ url: URL) throws {
        _ = try destination(of: url)
    }

    /// Where a request to `url` goes: the URL with its host replaced by the resolved address that was checked
    /// (bracketed for IPv6), and the `Host` header value to send (the URL's own authority). Throws
    /// `LLMError.refused` unless every address the host resolves to is loopback or an allowed private host's.
    /// With `allowRemote`, the URL is returned as it is.
    public func destination(of url: URL) throws -> (url: URL, hostHeader: String?) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let rawHost = url.host, !rawHost.isEmpty else {
            throw LLMError.refused("\(url.absoluteString) is not an http(s) URL with a host")
        }
        if allowRemote { return (url, nil) }
        let host = Self.bare(rawHost)
        let addresses = try Self.resolve(host)
        var allowed: [IPAddress]?
        for address in addresses where !address.isLoopback {
            if allowed == nil { allowed = try allowedAddresses() }
            guard allowed!.contains(address) else {
                let shown = host == address.description ? host : "\(host) (resolves to \(address))"
                throw LLMError.refused("""
                    \(shown) is not on this machine: ticket text never leaves it unless you allow that host \
                    (a private-network address, --allow-llm-host) or pass --allow-remote-llm
                    """)
            }
        }
        let pinned = addresses[0]
        if scheme == "https" && host != pinned.description && IPAddress(numeric: host) == nil {
            throw LLMError.refused("""
                https://\(host) names a host: the request is sent to the address it was checked at, whose \
                certificate cannot be verified for the name; use the address (https://\(pinned.urlHost)) or http on loopback
                """)
        }
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            throw LLMError.refused("\(url.absoluteString) is not a well-formed URL")
        }
        components.percentEncodedHost = pinned.urlHost
        guard let pinnedURL = components.url else { throw LLMError.refused("\(url.absoluteString) is not a well-formed URL") }
        let authority = (rawHost.contains(":") && !rawHost.hasPrefix("[") ? "[\(rawHost)]" : rawHost) + (url.port.map { ":\($0)" } ?? "")
        return (pinnedURL, authority)
    }

    /// The resolved addresses of the allowed hosts; throws when one of them is not private-network only.
    private func allowedAddresses() throws -> [IPAddress] {
        var all: [IPAddress] = []
        for name in allowedPrivateHosts.sorted() {
            let host = Self.bare(name)
            let addresses: [IPAddress]
            do { addresses = try Self.resolve(host) } catch { continue }  // an allowed name that does not resolve allows nothing
            for address in addresses where !address.isPrivate && !address.isLoopback {
                let shown = host == address.description ? host : "\(host) resolves to \(address), which"
                throw LLMError.refused("""
                    --allow-llm-host \(name): \(shown) is not a private-network address; only private addresses \
                    (10/8, 172.16/12, 192.168/16, fc00::/7) can be allowed by name (or pass --allow-remote-llm)
                    """)
            }
            all += addresses
        }
        return all
    }

    /// A host without the brackets of an IPv6 literal, lowercased.
    private static func bare(_ host: String) -> String {
        host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    }

    /// The addresses the system resolver gives for `host` (numeric forms read as inet_aton / inet_pton do).
    static func resolve(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let why = status == 0 ? "no address" : String(cString: gai_strerror(status))
            throw LLMError.refused("\(host) could not be resolved (\(why)): the endpoint must be on this machine or an allowed private host")
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = IPAddress(current.pointee.ai_addr), !addresses.contains(address) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw LLMError.refused("\(host) resolved to no IP address") }
        return addresses
    }
}

/// An IPv4 or IPv6 address as the resolver gave it; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is the IPv4
/// address it stands for (the one a connection to it reaches).
struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), network order.
    let bytes: [UInt8]

    init(bytes: [UInt8]) {
        let mapped = bytes.count == 16 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        self.bytes = mapped ? Array(bytes[12...]) : bytes
    }

    init?(_ socketAddress: UnsafePointer<sockaddr>?) {
        guard let socketAddress else { return nil }
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            let address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            self.init(bytes: withUnsafeBytes(of: address) { Array($0) })
        case AF_INET6:
            let address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            self.init(bytes: withUnsafeBytes(of: address) { Array($0) })
        default:
            return nil
        }
    }

    /// A strictly numeric address (inet_pton: dotted quad or IPv6), or nil.
    init?(numeric text: String) {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { self.init(bytes: withUnsafeBytes(of: v4) { Array($0) }) }
        else if inet_pton(AF_INET6, text, &v6) == 1 { self.init(bytes: withUnsafeBytes(of: v6) { Array($0) }) }
        else { return nil }
    }

    /// 127/8 or ::1.
    var isLoopback: Bool {
        let b = bytes
        if b.count == 4 { return b[0] == 127 }
        return b == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// 10/8, 172.16/12, 192.168/16 or fc00::/7.
    var isPrivate: Bool {
        let b = bytes
        if b.count == 4 { return b[0] == 10 || (b[0] == 172 && (16...31).contains(b[1])) || (b[0] == 192 && b[1] == 168) }
        return b[0] & 0xfe == 0xfc
    }

    var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = copy.withUnsafeMutableBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(cString: text)
    }

    /// The address as a URL's host: IPv6 in brackets.
    var urlHost: String { bytes.count == 4 ? description : "[\(description)]" }
}
