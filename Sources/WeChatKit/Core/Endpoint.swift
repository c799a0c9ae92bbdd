/// WeChat's hosts as one value: the browser-facing pages, the server-to-server JSON APIs, and `mp.weixin.qq.com`
/// (the parametric QR code's image, `cgi-bin/showqrcode`).
///
/// Clients never hard-code a host: point them at ``production`` or at a sandbox with ``sandbox(baseURL:)``.
public struct Endpoint: Sendable, Hashable {
    /// Base URL of the browser pages (`connect/oauth2/authorize`, `connect/qrconnect`), without a trailing slash.
    public var openBaseURL: String
    /// Base URL of the JSON APIs (`sns/...`, `cgi-bin/...`), without a trailing slash.
    public var apiBaseURL: String
    /// Base URL of `mp.weixin.qq.com` (`cgi-bin/showqrcode`), without a trailing slash.
    public var mpBaseURL: String

    /// Creates an endpoint from its base URLs; a trailing `/` is removed.
    public init(openBaseURL: String, apiBaseURL: String, mpBaseURL: String = "https://mp.weixin.qq.com") {
        self.openBaseURL = Self.trimmingTrailingSlashes(openBaseURL)
        self.apiBaseURL = Self.trimmingTrailingSlashes(apiBaseURL)
        self.mpBaseURL = Self.trimmingTrailingSlashes(mpBaseURL)
    }

    /// WeChat itself: `https://open.weixin.qq.com` and `https://api.weixin.qq.com`.
    public static let production = Endpoint(
        openBaseURL: "https://open.weixin.qq.com",
        apiBaseURL: "https://api.weixin.qq.com"
    )

    /// A simulator serving the pages, the APIs and the `mp` host on one base URL, at WeChat's own paths.
    ///
    /// `Endpoint.sandbox(baseURL: "http://127.0.0.1:8080")` makes the code exchange call
    /// `http://127.0.0.1:8080/sns/oauth2/access_token?...`.
    public static func sandbox(baseURL: String) -> Endpoint {
        Endpoint(openBaseURL: baseURL, apiBaseURL: baseURL, mpBaseURL: baseURL)
    }

    /// The full URL of an API path such as `/sns/auth`, with an optional encoded query.
    func apiURL(path: String, query: String? = nil) -> String {
        Self.join(apiBaseURL, path, query)
    }

    /// The full URL of a page path such as `/connect/qrconnect`, with an optional encoded query.
    func openURL(path: String, query: String? = nil) -> String {
        Self.join(openBaseURL, path, query)
    }

    /// The full URL of an `mp.weixin.qq.com` path such as `/cgi-bin/showqrcode`, with an optional encoded query.
    func mpURL(path: String, query: String? = nil) -> String {
        Self.join(mpBaseURL, path, query)
    }

    private static func join(_ base: String, _ path: String, _ query: String?) -> String {
        let url = base + path
        guard let query, !query.isEmpty else { return url }
        return url + "?" + query
    }

    private static func trimmingTrailingSlashes(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }
}
