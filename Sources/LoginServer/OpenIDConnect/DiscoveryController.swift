import Foundation
import Vapor

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery §4): what exists now, and nothing more.
struct DiscoveryController: RouteCollection {
    let issuer: String
    /// Brief: a deployment that changes what it serves is seen within minutes.
    static let cacheControl = "public, max-age=300"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(".well-known", "openid-configuration", use: discovery)
    }

    /// The discovery document.
    struct Document: Content, Equatable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var userinfo_endpoint: String
        var jwks_uri: String
        var registration_endpoint: String
        var end_session_endpoint: String
        var revocation_endpoint: String
        var revocation_endpoint_auth_methods_supported: [String]
        var scopes_supported: [String]
        var response_types_supported: [String]
        var response_modes_supported: [String]
        var grant_types_supported: [String]
        var subject_types_supported: [String]
        var id_token_signing_alg_values_supported: [String]
        var token_endpoint_auth_methods_supported: [String]
        var code_challenge_methods_supported: [String]
        var claims_supported: [String]
        var prompt_values_supported: [String]
        var ui_locales_supported: [String]
        var authorization_response_iss_parameter_supported: Bool

        init(issuer: String) {
            self.issuer = issuer
            authorization_endpoint = issuer + "/oauth/authorize"
            token_endpoint = issuer + "/oauth/token"
            userinfo_endpoint = issuer + "/oauth/userinfo"
            jwks_uri = issuer + "/oauth/jwks"
            registration_endpoint = issuer + "/oauth/register"
            end_session_endpoint = issuer + "/oauth/logout"
            revocation_endpoint = issuer + "/oauth/revoke"
            revocation_endpoint_auth_methods_supported = ClientMetadata.AuthMethod.allCases.map(\.rawValue)
            scopes_supported = ClientMetadata.supportedScopes
            response_types_supported = ["code"]
            response_modes_supported = ["query"]
            grant_types_supported = ClientMetadata.GrantType.allCases.map(\.rawValue)
            subject_types_supported = ["public"]
            // RS256 first: Discovery §3 requires it; ES256 for clients that registered id_token_signed_response_alg.
            id_token_signing_alg_values_supported = SigningAlgorithm.allCases.map(\.rawValue)
            token_endpoint_auth_methods_supported = ClientMetadata.AuthMethod.allCases.map(\.rawValue)
            code_challenge_methods_supported = ["S256"]
            claims_supported = ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "amr", "at_hash",
                                "name", "picture", "updated_at", "email", "email_verified", "phone_number",
                                "phone_number_verified", "wechat_identities", "external_id"]
            prompt_values_supported = ["none", "login"]
            ui_locales_supported = Language.allCases.map(\.rawValue)
            authorization_response_iss_parameter_supported = true
        }
    }

    private func discovery(_ req: Request) async throws -> Response {
        let response = try await Document(issuer: issuer).encodeResponse(status: .ok, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: Self.cacheControl)
        return response
    }
}
