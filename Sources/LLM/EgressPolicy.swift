import Foundation

/// Zero egress: ticket text may only go to a model server on this machine (loopback), or to a private-network
/// address the operator named explicitly. Anything else is refused unless remote models are allowed outright.
public struct EgressPolicy: Sendable, Equatable {
    /// Private-network hosts (10/8, 172.16/12, 192.168/16, fc00::/7) the operator has allowed by name.
    public var allowedPrivateHosts: Set<String>
    /// `--allow-remote-llm`: any host is accepted.
    public var allowRemote: Bool

    public init(allowedPrivateHosts: Set<String> = [], allowRemote: Bool = false) {
        self.allowedPrivateHosts = allowedPrivateHosts
        self.allowRemote = allowRemote
    }

    /// Throws unless a request to `url` is allowed.
    public func check(_ url: URL) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let rawHost = url.host, !rawHost.isEmpty else {
            throw LLMError.refused("\(url.absoluteString) is not an http(s) URL with a host")
        }
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if allowRemote || Self.isLoopback(host) { return }
        if allowedPrivateHosts.contains(host) {
            guard Self.isPrivate(host) else {
                throw LLMError.refused("\(host) is not a private-network address; only loopback or private addresses can be allowed by name (or pass --allow-remote-llm)")
            }
            return
        }
        throw LLMError.refused("""
            \(host) is not on this machine: ticket text never leaves it unless you allow that host \
            (a private-network address) or pass --allow-remote-llm
            """)
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        guard let octets = ipv4(host) else { return false }
        return octets[0] == 127
    }

    static func isPrivate(_ host: String) -> Bool {
        if let o = ipv4(host) {
            return o[0] == 10 || (o[0] == 172 && (16...31).contains(o[1])) || (o[0] == 192 && o[1] == 168)
        }
        return host.contains(":") && (host.hasPrefix("fc") || host.hasPrefix("fd"))
    }

    private static func ipv4(_ host: String) -> [Int]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { Int($0) }.filter { (0...255).contains($0) }
        return octets.count == 4 ? octets : nil
    }
}
