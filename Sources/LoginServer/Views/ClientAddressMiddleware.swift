import Vapor

/// Puts the client's address on the request's logger (`client`), believing `X-Forwarded-For` only from the
/// trusted proxies.
struct ClientAddressMiddleware: AsyncMiddleware {
    let proxies: TrustedProxies

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let peer = request.remoteAddress?.ipAddress
        if let client = proxies.clientAddress(peer: peer, forwardedFor: request.headers[.xForwardedFor]) {
            request.logger[metadataKey: "client"] = .string(client)
        }
        return try await next.respond(to: request)
    }
}
