import Vapor

/// The back-channel calls to the provider: redeeming a code at the token endpoint and asking userinfo.
struct ProviderClient: Sendable {
    let metadata: ProviderMetadata
    let credentials: ClientCredentials
    let client: any Client

    /// The token endpoint's success answer (RFC 6749 §5.1, Core §3.1.3.3).
    struct Tokens: Content {
        var access_token: String
        var token_type: String
        var id_token: String
        var expires_in: Int?
        var scope: String?
    }

    /// The token request (Core §3.1.3.1): the code, the redirect URI it was issued for, and the PKCE verifier;
    /// the client authenticates with HTTP Basic over the form-urlencoded id and secret (RFC 6749 §2.3.1).
    func redeem(code: String, verifier: String, redirectURI: String) async throws -> Tokens {
        let response = try await client.post(URI(string: metadata.token_endpoint)) { request in
            request.headers.basicAuthorization = BasicAuthorization(
                username: Self.formEncoded(credentials.client_id), password: Self.formEncoded(credentials.client_secret))
            request.headers.replaceOrAdd(name: .accept, value: "application/json")
            try request.content.encode(["grant_type": "authorization_code", "code": code,
                                        "redirect_uri": redirectURI, "code_verifier": verifier], as: .urlEncodedForm)
        }
        guard response.status == .ok else {
            let error = (try? response.content.decode(OAuthError.self))?.summary ?? "HTTP \(response.status.code)"
            throw SignInError(.tokenEndpoint, "the token endpoint refused the code: \(error)")
        }
        let tokens = try response.content.decode(Tokens.self)
        guard tokens.token_type.lowercased() == "bearer" else {
            throw SignInError(.tokenEndpoint, "the token endpoint answered token_type \(tokens.token_type)")
        }
        return tokens
    }

    /// Userinfo (Core §5.3) with the access token; the raw JSON, and its `sub`, which must equal the ID token's
    /// (Core §5.3.2: otherwise the answer is about someone else and must not be used).
    func userInfo(accessToken: String, expectedSubject: String) async throws -> Data {
        let response = try await client.get(URI(string: metadata.userinfo_endpoint)) { request in
            request.headers.bearerAuthorization = BearerAuthorization(token: accessToken)
        }
        guard response.status == .ok, let body = response.body else {
            throw SignInError(.userInfo, "userinfo answered \(response.status.code)")
        }
        let data = Data(body.readableBytesView)
        struct Subject: Decodable { var sub: String }
        guard let subject = try? JSONDecoder().decode(Subject.self, from: data), subject.sub == expectedSubject else {
            throw SignInError(.userInfo, "userinfo's sub is not the ID token's")
        }
        return data
    }

    /// `application/x-www-form-urlencoded` for one value, as RFC 6749 §2.3.1 asks before Basic's base64.
    static func formEncoded(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value).replacingOccurrences(of: "%20", with: "+")
    }
}
