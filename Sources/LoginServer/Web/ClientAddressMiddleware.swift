import Vapor

/// Resolves the client's address once per request, believing `X-Forwarded-For` only from the trusted proxies, and
/// keeps it on the request (`clientAddress`, read by the rate limits) and on its logger (`client`).
struct ClientAddressMiddleware: AsyncMiddleware {
    let proxies: TrustedProxies

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let peer = request.remoteAddress?.ipAddress
        if let client = proxies.clientAddress(peer: peer, forwardedFor: request.headers[.xForwardedFor]) {
            request.clientAddress = client
            request.logger[metadataKey: "client"] = .string(client)
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    private struct ClientAddressKey: StorageKey {
        typealias Value = String
    }

    /// The client's address as `ClientAddressMiddleware` resolved it; nil when the request has no IP peer (requests
    /// made in process by tests).
    var clientAddress: String? {
        get { storage[ClientAddressKey.self] }
        set { storage[ClientAddressKey.self] = newValue }
    }
}
