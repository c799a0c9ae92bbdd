import AsyncHTTPClient
import Foundation
import Logging

/// Creates parametric QR codes (`cgi-bin/qrcode/create`) with the ordinary access_token, and names or fetches
/// their image (`showqrcode` on `mp.weixin.qq.com`).
///
/// Creating goes through ``AccessTokenProvider/withAccessToken(_:)`` like ``TemplateMessageClient``: a
/// 40001/40014/42001 makes the provider refetch once and the call is made once more. A creation is not retried
/// otherwise (each call spends a ticket). 48001 means the account lacks the interface: only verified service
/// accounts have it.
public struct QRCodeClient: Sendable {
    /// Where and how the client talks to WeChat.
    public typealias Configuration = WeChatClientConfiguration

    /// The token source for the account whose codes these are.
    public let tokenProvider: AccessTokenProvider
    /// The client's configuration.
    public let configuration: Configuration
    let requester: APIRequester
    let transport: any HTTPTransport
    let logger: Logger

    /// Creates a client on AsyncHTTPClient.
    ///
    /// - Parameters:
    ///   - tokenProvider: supplies (and recovers) the ordinary access_token.
    ///   - configuration: endpoint (its `mpBaseURL` serves the image), timeouts, size cap.
    ///   - httpClient: the HTTP client (default `HTTPClient.shared`); the caller owns its lifecycle.
    ///   - logger: receives structured, secret-free log lines.
    public init(
        tokenProvider: AccessTokenProvider,
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "WeChatKit.QRCodeClient")
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
        self.transport = transport
        self.logger = logger
        self.requester = APIRequester(
            transport: transport, endpoint: configuration.endpoint, http: configuration.http, clock: clock,
            logger: logger, appID: tokenProvider.appID)
    }

    /// Creates a code and returns its ticket.
    ///
    /// - Throws: ``WeChatError`` — `.invalidArgument` for a code outside the limits (no request is made),
    ///   otherwise WeChat's errcode (48001: not a verified service account; 45009: daily quota).
    public func create(_ code: ParametricQRCode) async throws -> QRCodeTicket {
        try code.validate()
        let body = try code.body()
        let requester = self.requester
        let ticket = try await tokenProvider.withAccessToken { token in
            try await requester.postJSON(
                QRCodeTicket.self, path: "/cgi-bin/qrcode/create", query: [("access_token", token)], body: body,
                retry: .never)
        }
        logger.info("wechat qr code created", metadata: [
            "wechat.appid": "\(tokenProvider.appID)", "wechat.action": "\(code.actionName)",
            "wechat.expire_seconds": "\(ticket.expireSeconds.map(String.init) ?? "permanent")",
        ])
        return ticket
    }

    /// The URL of the ticket's image on `mp.weixin.qq.com` (the ticket percent-encoded; no token).
    public func imageURL(ticket: String) -> String {
        configuration.endpoint.mpURL(path: "/cgi-bin/showqrcode", query: QueryString.build([("ticket", ticket)]))
    }

    /// Fetches the ticket's image from `showqrcode`, for a server that shows it without sending the browser to
    /// WeChat.
    ///
    /// - Throws: ``WeChatError`` — `.transport` with the HTTP status for a bad or expired ticket (WeChat answers
    ///   an HTTP error), `.responseTooLarge` over the size cap, `.decoding` for an answer that is not an image.
    public func image(ticket: String) async throws -> QRCodeImage {
        let path = "/cgi-bin/showqrcode"
        let request = TransportRequest(
            method: .GET, url: imageURL(ticket: ticket), headers: [("User-Agent", "WeChatKit/\(WeChatKit.version)")],
            body: nil, timeout: configuration.http.totalTimeout,
            maxResponseBodySize: configuration.http.maxResponseBodySize)
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch let error as WeChatError {
            throw WeChatError(error.kind, endpoint: path, httpStatus: error.httpStatus, detail: error.detail)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw WeChatError(.transport, endpoint: path, detail: String(describing: type(of: error)), underlyingError: error)
        }
        guard (200..<300).contains(response.status) else {
            throw WeChatError(.transport, endpoint: path, httpStatus: response.status, detail: "unexpected HTTP status")
        }
        let contentType = response.headers.first { $0.name.lowercased() == "content-type" }?.value ?? "image/jpeg"
        guard contentType.lowercased().hasPrefix("image/"), !response.body.isEmpty else {
            throw WeChatError(.decoding, endpoint: path, httpStatus: response.status, detail: "not an image")
        }
        return QRCodeImage(bytes: response.body, contentType: contentType)
    }
}
