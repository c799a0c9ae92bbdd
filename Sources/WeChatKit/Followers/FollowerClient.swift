import AsyncHTTPClient
import Foundation
import Logging

/// Reads what the official account knows of one openid (`cgi-bin/user/info`) with the ordinary access_token.
///
/// A read: safe to retry on a transport failure, a timeout or errcode -1; a stale token is recovered once through
/// ``AccessTokenProvider/withAccessToken(_:)``. 40003 means the openid is not this account's.
public struct FollowerClient: Sendable {
    /// Where and how the client talks to WeChat.
    public typealias Configuration = WeChatClientConfiguration

    /// The token source for the account.
    public let tokenProvider: AccessTokenProvider
    /// The client's configuration.
    public let configuration: Configuration
    let requester: APIRequester

    /// Creates a client on AsyncHTTPClient.
    ///
    /// - Parameters:
    ///   - tokenProvider: supplies (and recovers) the ordinary access_token.
    ///   - configuration: endpoint, timeouts, size cap, retries.
    ///   - httpClient: the HTTP client (default `HTTPClient.shared`); the caller owns its lifecycle.
    ///   - logger: receives structured, secret-free log lines.
    public init(
        tokenProvider: AccessTokenProvider,
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "WeChatKit.FollowerClient")
    ) {
        self.init(
            tokenProvider: tokenProvider, configuration: configuration,
            transport: AsyncHTTPClientTransport(client: httpClient), clock: SystemWeChatClock(), logger: logger)
    }

    /// Creates a client on any transport (tests use a fake).
    init(
        tokenProvider: AccessTokenProvider, configuration: Configuration, transport: any HTTPTransport,
        clock: any WeChatClock, logger: Logger
    ) {
        self.tokenProvider = tokenProvider
        self.configuration = configuration
        self.requester = APIRequester(
            transport: transport, endpoint: configuration.endpoint, http: configuration.http, clock: clock,
            logger: logger, appID: tokenProvider.appID)
    }

    /// Whether `openID` follows the account, and its unionid.
    ///
    /// - Throws: ``WeChatError`` — `.invalidArgument` for an empty or oversized openid (no request is made),
    ///   otherwise WeChat's errcode.
    public func follower(openID: String) async throws -> Follower {
        guard !openID.isEmpty, openID.utf8.count <= 128 else {
            throw WeChatError(.invalidArgument, detail: "openid must be 1...128 bytes")
        }
        let requester = self.requester
        return try await tokenProvider.withAccessToken { token in
            try await requester.get(
                Follower.self, path: "/cgi-bin/user/info",
                query: [("access_token", token), ("openid", openID), ("lang", "zh_CN")], retry: .safe)
        }
    }
}
