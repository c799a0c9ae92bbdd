import Vapor

/// The parts of the provider's discovery document (OpenID Connect Discovery 1.0 §3) this app uses.
struct ProviderMetadata: Content, Sendable {
    var issuer: String
    var authorization_endpoint: String
    var token_endpoint: String
    var userinfo_endpoint: String
    var jwks_uri: String
    var registration_endpoint: String?
    var end_session_endpoint: String?
    var authorization_response_iss_parameter_supported: Bool?

    /// Reads `{issuer}/.well-known/openid-configuration`, waiting up to `attempts` seconds for a provider that is
    /// still starting (the README starts both in two terminals at once). The document's `issuer` must be the URL it
    /// was read from, byte for byte (Discovery §4.3): otherwise tokens would be checked against the wrong issuer.
    static func discover(issuer: String, client: any Client, logger: Logger, attempts: Int = 60) async throws -> Self {
        let url = URI(string: issuer + "/.well-known/openid-configuration")
        var lastError: any Error = ProviderError("no answer from \(url)")
        for attempt in 1...attempts {
            do {
                let response = try await client.get(url)
                guard response.status == .ok else {
                    throw ProviderError("discovery at \(url) answered \(response.status.code)")
                }
                let metadata = try response.content.decode(Self.self, using: JSONDecoder())
                guard metadata.issuer == issuer else {
                    throw ProviderError("discovery at \(url) names issuer \(metadata.issuer), not \(issuer): set ISSUER_URL to the provider's PUBLIC_URL")
                }
                return metadata
            } catch let error as ProviderError {
                throw error
            } catch {
                lastError = error
                if attempt == 1 { logger.notice("waiting for the provider at \(issuer)") }
                try await Task.sleep(for: .seconds(1))
            }
        }
        throw ProviderError("the provider at \(issuer) did not answer discovery: \(lastError)")
    }
}

/// The provider cannot be used as configured (start-up only; sign-in errors are ``SignInError``).
struct ProviderError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
