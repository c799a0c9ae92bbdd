import Foundation
import Vapor

/// `GET /oauth/jwks`: the provider's public signing keys (RFC 7517 JWK Set), what clients verify ID tokens with.
/// No rate-limit class: every client of every app fetches it, and it is served from the key ring's cache.
struct JWKSController: RouteCollection {
    let keys: SigningKeyRing
    /// Short, so a rotation reaches clients quickly; clients that meet an unknown `kid` fetch again anyway.
    static let cacheControl = "public, max-age=60"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("oauth", "jwks", use: jwks)
    }

    private func jwks(_ req: Request) async throws -> Response {
        let body = try JWS.encoder.encode(try await keys.jwks())
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: Self.cacheControl)
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }
}
