/// The rules a registered redirect URI (or post-logout redirect URI) must meet (RFC 6749 §3.1.2, RFC 9700 §4.1,
/// RFC 8252 §7.3): absolute, https — plain http only to a loopback host (`127.0.0.1`, `[::1]`, `localhost`) for
/// development —, no fragment, no user info, no wildcard, printable ASCII only, at most `maxLength` bytes.
///
/// Registered URIs are stored exactly as given and later compared to the request by exact string match, so
/// anything a browser or a URL parser could read two ways (a backslash, an upper-case scheme, spaces, non-ASCII)
/// is refused here rather than normalised.
enum RedirectURI {
    static let maxLength = 1024
    /// Registered URIs per list (redirect and post-logout each).
    static let maxCount = 10

    /// Why `uri` may not be registered, or nil when it may.
    static func problem(_ uri: String) -> String? {
        let bytes = Array(uri.utf8)
        guard !bytes.isEmpty else { return "is empty" }
        guard bytes.count <= maxLength else { return "is longer than \(maxLength) characters" }
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return "must be printable ASCII without spaces (percent-encode anything else)"
        }
        guard !uri.contains("#") else { return "must not contain a fragment (#)" }
        guard !uri.contains("*") else { return "must not contain a wildcard (*): URIs are matched exactly" }
        guard !uri.contains("\\") else { return "must not contain a backslash" }
        let isHTTPS = uri.hasPrefix("https://")
        guard isHTTPS || uri.hasPrefix("http://") else {
            return "must be an absolute https URL (lower-case scheme)"
        }
        let rest = uri.dropFirst(isHTTPS ? 8 : 7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains("@") else { return "must not contain user info (@)" }
        guard let host = Self.host(of: authority) else { return "has no valid host and port" }
        if !isHTTPS && !Self.loopbackHosts.contains(host) {
            return "must use https (plain http only to 127.0.0.1, [::1] or localhost)"
        }
        return nil
    }

    static let loopbackHosts: Set<Substring> = ["127.0.0.1", "[::1]", "localhost"]

    /// The host of `host[:port]` (an IPv6 literal keeps its brackets), or nil when either part is malformed.
    private static func host(of authority: Substring) -> Substring? {
        let host: Substring
        let afterHost: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            afterHost = authority[authority.index(after: close)...]
            let inside = host.dropFirst().dropLast()
            guard !inside.isEmpty, inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            host = authority.prefix { $0 != ":" }
            afterHost = authority.dropFirst(host.count)
            guard !host.isEmpty, !host.hasPrefix("."), !host.hasPrefix("-"),
                  host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                return nil
            }
        }
        if afterHost.isEmpty { return host }
        guard afterHost.hasPrefix(":") else { return nil }
        let port = afterHost.dropFirst()
        guard (1...5).contains(port.count), port.allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = Int(port), (1...65535).contains(number) else { return nil }
        return host
    }
}
