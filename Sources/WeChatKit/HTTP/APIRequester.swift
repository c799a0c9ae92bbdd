import Logging
import NIOHTTP1

/// Sends one WeChat API call through an ``HTTPTransport``, decodes it with ``ResponseDecoder``, retries
/// where the caller says it is safe, and logs with structured metadata (never the query string, which
/// carries secrets, tokens and codes).
struct APIRequester: Sendable {
    let transport: any HTTPTransport
    let endpoint: Endpoint
    let http: WeChatHTTPConfiguration
    let clock: any WeChatClock
    let logger: Logger
    let appID: String

    /// Whether a call may be repeated automatically after a transport failure, a timeout or errcode -1.
    enum Retry {
        case safe
        case never
    }

    func get<T: Decodable>(_ type: T.Type, path: String, query: [(String, String)], retry: Retry) async throws -> T {
        try await perform(type, method: .GET, path: path, query: query, body: nil, retry: retry)
    }

    func postJSON<T: Decodable>(
        _ type: T.Type, path: String, query: [(String, String)], body: [UInt8], retry: Retry
    ) async throws -> T {
        try await perform(type, method: .POST, path: path, query: query, body: body, retry: retry)
    }

    private func perform<T: Decodable>(
        _ type: T.Type, method: HTTPMethod, path: String, query: [(String, String)], body: [UInt8]?, retry: Retry
    ) async throws -> T {
        var headers: [(name: String, value: String)] = [("User-Agent", "WeChatKit/\(WeChatKit.version)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = TransportRequest(
            method: method,
            url: endpoint.apiURL(path: path, query: QueryString.build(query)),
            headers: headers,
            body: body,
            timeout: http.totalTimeout,
            maxResponseBodySize: http.maxResponseBodySize
        )
        var attempt = 0
        while true {
            attempt += 1
            let started = ContinuousClock.now
            var metadata: Logger.Metadata = [
                "wechat.appid": "\(appID)", "wechat.endpoint": "\(path)", "wechat.attempt": "\(attempt)",
            ]
            do {
                let response = try await send(request, path: path)
                metadata["http.status"] = "\(response.status)"
                let value = try ResponseDecoder.decode(
                    type, from: response, endpoint: path, maxBodySize: http.maxResponseBodySize)
                WeChatMetrics.recordCall(endpoint: path, outcome: "0", duration: ContinuousClock.now - started)
                logger.debug("wechat api call succeeded", metadata: metadata)
                return value
            } catch let error as WeChatError {
                WeChatMetrics.recordCall(
                    endpoint: path, outcome: WeChatMetrics.outcome(of: error), duration: ContinuousClock.now - started)
                if let code = error.code { metadata["wechat.errcode"] = "\(code.rawValue)" }
                if let rid = error.rid { metadata["wechat.rid"] = "\(rid)" }
                metadata["wechat.error"] = "\(error)"
                let retriable = error == .transport || error == .timeout || error.code == .systemError
                guard retry == .safe, retriable, attempt <= http.retry.maxRetries else {
                    logger.warning("wechat api call failed", metadata: metadata)
                    throw error
                }
                logger.info("wechat api call failed, retrying", metadata: metadata)
                try await clock.sleep(for: http.retry.backoff(beforeRetry: attempt))
            }
        }
    }

    private func send(_ request: TransportRequest, path: String) async throws -> TransportResponse {
        do {
            return try await transport.send(request)
        } catch let error as WeChatError {
            throw WeChatError(
                error.kind, errmsg: error.errmsg, endpoint: path, httpStatus: error.httpStatus,
                detail: error.detail, underlyingError: error.underlyingError)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw WeChatError(.transport, endpoint: path, detail: String(describing: type(of: error)), underlyingError: error)
        }
    }
}
