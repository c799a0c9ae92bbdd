import AsyncHTTPClient
import Foundation
import Logging

/// Sends template messages (`cgi-bin/message/template/send`) with the ordinary access_token.
///
/// Each send goes through ``AccessTokenProvider/withAccessToken(_:)``: a 40001/40014/42001 makes the provider
/// refetch once and the send is retried once. Nothing else is retried automatically (a duplicate message is
/// worse than a reported failure); failures keep their ``WeChatErrorCode`` — e.g. 43004 (not following),
/// 43019 (blacklisted), 40003 (bad openid), 40037 (bad template), 47003 (bad field value), 45009 (daily quota).
public struct TemplateMessageClient: Sendable {
    /// Where and how the client talks to WeChat.
    public typealias Configuration = WeChatClientConfiguration

    /// The token source for the account that sends.
    public let tokenProvider: AccessTokenProvider
    /// The client's configuration.
    public let configuration: Configuration
    let requester: APIRequester
    let logger: Logger

    /// Creates a client on AsyncHTTPClient.
    ///
    /// - Parameters:
    ///   - tokenProvider: supplies (and recovers) the ordinary access_token.
    ///   - configuration: endpoint, timeouts, size cap.
    ///   - httpClient: the HTTP client (default `HTTPClient.shared`); the caller owns its lifecycle.
    ///   - logger: receives structured, secret-free log lines.
    public init(
        tokenProvider: AccessTokenProvider,
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "WeChatKit.TemplateMessageClient")
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
        self.logger = logger
        self.requester = APIRequester(
            transport: transport, endpoint: configuration.endpoint, http: configuration.http, clock: clock,
            logger: logger, appID: tokenProvider.appID)
    }

    /// Sends a template message and returns WeChat's `msgid` (an `Int64`: it can exceed 2^53).
    ///
    /// - Throws: ``WeChatError`` — `.invalidArgument` for an empty recipient, template id or data (no request
    ///   is made), otherwise WeChat's errcode.
    public func send(_ message: TemplateMessage) async throws -> Int64 {
        guard !message.toUser.isEmpty, !message.templateID.isEmpty, !message.data.isEmpty else {
            throw WeChatError(.invalidArgument, detail: "touser, template_id and data are required")
        }
        let body = Array(try JSONEncoder().encode(message))
        let requester = self.requester
        let response = try await tokenProvider.withAccessToken { token in
            try await requester.postJSON(
                TemplateSendResponse.self, path: "/cgi-bin/message/template/send", query: [("access_token", token)],
                body: body, retry: .never)
        }
        logger.info(
            "wechat template message sent",
            metadata: [
                "wechat.appid": "\(tokenProvider.appID)", "wechat.msgid": "\(response.msgid)",
                "wechat.openid": "\(Redaction.identifier(message.toUser))",
            ])
        return response.msgid
    }
}

/// The JSON of a successful `template/send`: `{"errcode":0,"errmsg":"ok","msgid":…}`.
struct TemplateSendResponse: Decodable {
    let msgid: Int64
}
