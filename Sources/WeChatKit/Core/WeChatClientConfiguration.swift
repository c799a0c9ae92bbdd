/// Where and how a WeChatKit client talks to WeChat: the hosts and the HTTP settings.
///
/// Shared by ``OAuthClient`` and ``TemplateMessageClient`` (each names it `Configuration`).
public struct WeChatClientConfiguration: Sendable, Hashable {
    /// WeChat's hosts (default ``Endpoint/production``).
    public var endpoint: Endpoint
    /// Timeouts, size cap and retries (sends use no retries).
    public var http: WeChatHTTPConfiguration

    /// Creates a configuration; every parameter has the documented default.
    public init(endpoint: Endpoint = .production, http: WeChatHTTPConfiguration = WeChatHTTPConfiguration()) {
        self.endpoint = endpoint
        self.http = http
    }
}
