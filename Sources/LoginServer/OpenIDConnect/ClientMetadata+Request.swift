import Foundation

extension ClientMetadata {
    /// Registration metadata as sent (RFC 7591 §2): every field optional here so that a missing one gets a clear
    /// error or its default; fields this provider does not know are ignored, as §2 asks.
    struct Request: Decodable, Sendable {
        var client_name: String?
        var redirect_uris: [String]?
        var post_logout_redirect_uris: [String]?
        var token_endpoint_auth_method: String?
        var grant_types: [String]?
        var response_types: [String]?
        var scope: String?
        var id_token_signed_response_alg: String?
    }

    static let maxNameLength = 200

    /// Checks a registration (or an update) and fills in RFC 7591's defaults: `client_secret_basic`,
    /// `authorization_code`, `code`, and the scope `openid profile email phone` (plus `offline_access` when the
    /// client may refresh), and `RS256` ID tokens.
    init(_ request: Request) throws(ClientMetadataError) {
        if let name = request.client_name {
            guard name.unicodeScalars.count <= Self.maxNameLength else {
                throw .metadata("client_name is longer than \(Self.maxNameLength) characters")
            }
            guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .metadata("client_name must not contain control characters")
            }
        }
        clientName = request.client_name.flatMap { $0.isEmpty ? nil : $0 }

        guard let redirects = request.redirect_uris, !redirects.isEmpty else {
            throw .redirectURI("redirect_uris must list at least one URI (the authorization code grant needs one)")
        }
        redirectURIs = try Self.checked(redirects, field: "redirect_uris", error: ClientMetadataError.redirectURI)
        postLogoutRedirectURIs = try Self.checked(
            request.post_logout_redirect_uris ?? [], field: "post_logout_redirect_uris", error: ClientMetadataError.metadata)

        let method = request.token_endpoint_auth_method ?? AuthMethod.clientSecretBasic.rawValue
        guard let authMethod = AuthMethod(rawValue: method) else {
            throw .metadata("token_endpoint_auth_method must be one of "
                + AuthMethod.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.authMethod = authMethod

        var grants: [GrantType] = []
        for name in request.grant_types ?? [GrantType.authorizationCode.rawValue] {
            guard let grant = GrantType(rawValue: name) else {
                throw .metadata("grant_types may hold only authorization_code and refresh_token")
            }
            if !grants.contains(grant) { grants.append(grant) }
        }
        guard grants.contains(.authorizationCode) else {
            throw .metadata("grant_types must include authorization_code (the only way to obtain tokens here)")
        }
        grantTypes = grants

        for type in request.response_types ?? ["code"] where type != "code" {
            throw .metadata("response_types may hold only code")
        }

        let refreshes = grants.contains(.refreshToken)
        if let scope = request.scope {
            let requested = scope.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard !requested.contains(""), !requested.isEmpty else {
                throw .metadata("scope must be scope names separated by single spaces")
            }
            for name in requested where !Self.supportedScopes.contains(name) {
                throw .metadata("scope may hold only " + Self.supportedScopes.joined(separator: ", "))
            }
            guard requested.contains("openid") else { throw .metadata("scope must include openid") }
            guard requested.contains("offline_access") == refreshes else {
                throw .metadata(refreshes
                    ? "grant_types includes refresh_token, so scope must include offline_access"
                    : "scope includes offline_access, so grant_types must include refresh_token")
            }
            var unique: [String] = []
            for name in requested where !unique.contains(name) { unique.append(name) }
            scopes = unique
        } else {
            scopes = ["openid", "profile", "email", "phone"] + (refreshes ? ["offline_access"] : [])
        }

        // Only what the provider signs with: never `none` (an unsigned ID token) nor an HMAC algorithm.
        let alg = request.id_token_signed_response_alg ?? SigningAlgorithm.rs256.rawValue
        guard let idTokenAlgorithm = SigningAlgorithm(rawValue: alg) else {
            throw .metadata("id_token_signed_response_alg must be one of "
                + SigningAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.idTokenAlgorithm = idTokenAlgorithm
    }

    private static func checked(_ uris: [String], field: String,
                                error: (String) -> ClientMetadataError) throws(ClientMetadataError) -> [String] {
        guard uris.count <= RedirectURI.maxCount else {
            throw error("\(field) may list at most \(RedirectURI.maxCount) URIs")
        }
        for (index, uri) in uris.enumerated() {
            if let problem = RedirectURI.problem(uri) { throw error("\(field)[\(index)] \(problem)") }
            guard !uris[..<index].contains(uri) else { throw error("\(field)[\(index)] is listed twice") }
        }
        return uris
    }

    /// Decodes and checks a JSON body, whatever its Content-Type: anything that is not a JSON object of the
    /// metadata's types is `invalid_client_metadata` naming the field.
    static func decode(json body: Data) throws(ClientMetadataError) -> ClientMetadata {
        let request: Request
        do {
            request = try JSONDecoder().decode(Request.self, from: body)
        } catch let DecodingError.typeMismatch(_, context) {
            throw .metadata("\(Self.path(context)) has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .metadata("\(Self.path(context)) must not be null")
        } catch {
            throw .metadata("the body must be a JSON object of client metadata")
        }
        return try ClientMetadata(request)
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "the body" : path.replacingOccurrences(of: ".[", with: "[")
    }
}
