import AsyncHTTPClient
import Logging

/// The user side of WeChat login: build authorization URLs, exchange a code for a ``UserToken``, refresh it,
/// check it (`sns/auth`) and read the profile (`sns/userinfo`).
///
/// Automatic retries (see ``RetryPolicy``) apply to refresh, `sns/auth` and `sns/userinfo`, never to the code
/// exchange: a code is single-use, so a retried exchange would only turn the real outcome into 40163.
public struct OAuthClient: Sendable {
    /// Where and how the client talks to WeChat.
    public typealias Configuration = WeChatClientConfiguration

    /// The app this client acts for.
    public let credentials: AppCredentials
    /// The client's configuration.
    public let configuration: Configuration
    let requester: APIRequester
    let clock: any WeChatClock
    let logger: Logger

    /// Creates a client on AsyncHTTPClient.
    ///
    /// - Parameters:
    ///   - credentials: the app's AppID and AppSecret (the secret is sent only to the code exchange).
    ///   - configuration: endpoint, timeouts, size cap, retries.
    ///   - httpClient: the HTTP client to use (default `HTTPClient.shared`); the caller owns its lifecycle.
    ///   - clock: the time source for token expiries and retry back-off.
    ///   - logger: receives structured, secret-free log lines.
    public init(
        credentials: AppCredentials,
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared,
        clock: any WeChatClock = SystemWeChatClock(),
        logger: Logger = Logger(label: "WeChatKit.OAuthClient")
    ) {
        self.init(
            credentials: credentials, configuration: configuration,
            transport: AsyncHTTPClientTransport(client: httpClient), clock: clock, logger: logger)
    }

    /// Creates a client on any transport (tests use a fake).
    init(
        credentials: AppCredentials, configuration: Configuration, transport: any HTTPTransport,
        clock: any WeChatClock, logger: Logger
    ) {
        self.credentials = credentials
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.requester = APIRequester(
            transport: transport, endpoint: configuration.endpoint, http: configuration.http, clock: clock,
            logger: logger, appID: credentials.appID)
    }
}
