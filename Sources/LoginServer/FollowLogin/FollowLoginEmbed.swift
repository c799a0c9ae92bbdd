import Foundation

/// The embeddable follow-login (`/login/follow/embed`): the official account's QR code in a frame on the business's
/// own page, which on completion sends the **top** window to a first-party finish request
/// (`POST /login/follow/finish`), as WeChat's own inline frame does for the website app.
///
/// The frame needs no cookie: a cross-site frame's cookies are third-party ones, which Safari and Firefox block or
/// partition. The page carries its one browser binding (server-signed, as the cookie would) and sends it with each
/// request; the finish request is a top-level POST from the frame's own origin, whose response sets the session
/// cookie first-party.
enum FollowLoginEmbed {
    /// The header the frame's script sends its binding in (never the URL).
    static let bindingHeader = "X-Follow-Binding"

    /// Parses `FOLLOW_LOGIN_EMBED_ORIGINS`: comma- or space-separated origins, each `https://host[:port]` (plain
    /// http only for a loopback host), no path, no wildcard: a `*` would let any site frame a sign-in
    /// (clickjacking).
    static func parseOrigins(_ raw: String) throws -> [String] {
        let variable = LoginServerConfiguration.Variable.followLoginEmbedOrigins
        var origins: [String] = []
        for item in raw.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let origin = origin(String(item)) else {
                throw LoginServerConfiguration.EnvironmentError(description: "\(variable): \"\(item)\" is not an origin: give https://host or https://host:port (plain http only for 127.0.0.1, ::1 or localhost), no path and no wildcard")
            }
            if !origins.contains(origin) { origins.append(origin) }
        }
        return origins
    }

    /// The normalized origin (`scheme://host[:port]`, lowercase) of an allowed framing page, or `nil`.
    static func origin(_ text: String) -> String? {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        guard !text.contains("*"), let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased(), !host.isEmpty,
              components.path.isEmpty, components.query == nil, components.fragment == nil,
              components.user == nil, components.password == nil else { return nil }
        let loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else { return nil }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// The embed page's `Content-Security-Policy`: framed by the listed origins only (`origins` is never empty).
    static func frameAncestors(_ origins: [String]) -> String {
        "frame-ancestors " + origins.joined(separator: " ")
    }

    /// The origin (`scheme://host[:port]`) of the public URL: the finish request must come from it (the frame),
    /// never from another site posting a binding of its own (login CSRF).
    static func publicOrigin(_ publicURL: String) -> String? {
        guard let components = URLComponents(string: publicURL), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased() else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
