#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Vapor

/// This app's client at the provider: given by the environment (registered through the admin API), read from the
/// local file, or registered on first start at the advertised `registration_endpoint` (RFC 7591) with the admin
/// token as the initial access token, then kept in the file (mode 0600) so a restart reuses it.
struct ClientCredentials: Codable, Sendable, Equatable {
    var issuer: String
    var redirect_uri: String
    var client_id: String
    var client_secret: String

    /// Finds or makes the client, in that order: environment, file, registration.
    static func obtain(settings: Settings, metadata: ProviderMetadata, client: any Client,
                       logger: Logger) async throws -> Self {
        if let id = settings.clientID, let secret = settings.clientSecret {
            return Self(issuer: metadata.issuer, redirect_uri: settings.redirectURI, client_id: id, client_secret: secret)
        }
        if let saved = try read(settings.clientFile) {
            if saved.issuer == metadata.issuer && saved.redirect_uri == settings.redirectURI {
                logger.notice("using the client kept in \(settings.clientFile)", metadata: ["client_id": "\(saved.client_id)"])
                return saved
            }
            logger.notice("\(settings.clientFile) holds a client for another issuer or redirect URI: registering anew")
        }
        guard let endpoint = metadata.registration_endpoint else {
            throw ProviderError("the provider advertises no registration_endpoint: register this app through its admin API and set CLIENT_ID and CLIENT_SECRET")
        }
        guard let token = settings.adminToken else {
            throw ProviderError("no client yet: set ADMIN_API_TOKEN (the provider's admin token) to register on first start, or CLIENT_ID and CLIENT_SECRET")
        }
        let registered = try await register(at: endpoint, token: token, settings: settings, client: client)
        let credentials = Self(issuer: metadata.issuer, redirect_uri: settings.redirectURI,
                               client_id: registered.client_id, client_secret: registered.client_secret)
        try write(credentials, to: settings.clientFile)
        logger.notice("registered at \(endpoint); kept in \(settings.clientFile)", metadata: ["client_id": "\(credentials.client_id)"])
        return credentials
    }

    /// The registration request (RFC 7591 §3.1): a confidential web app using client_secret_basic.
    struct Registration: Content {
        var client_name: String
        var redirect_uris: [String]
        var post_logout_redirect_uris: [String]
        var token_endpoint_auth_method: String
        var grant_types: [String]
        var response_types: [String]
        var scope: String
    }

    /// The part of the registration answer (RFC 7591 §3.2.1) kept here.
    struct Registered: Content {
        var client_id: String
        var client_secret: String
    }

    private static func register(at endpoint: String, token: String, settings: Settings,
                                 client: any Client) async throws -> Registered {
        let body = Registration(client_name: "Business app example", redirect_uris: [settings.redirectURI],
                                post_logout_redirect_uris: [settings.signedOutURI],
                                token_endpoint_auth_method: "client_secret_basic",
                                grant_types: ["authorization_code"], response_types: ["code"], scope: settings.scope)
        let response = try await client.post(URI(string: endpoint)) { request in
            request.headers.bearerAuthorization = BearerAuthorization(token: token)
            try request.content.encode(body, as: .json)
        }
        guard response.status == .created else {
            let error = (try? response.content.decode(OAuthError.self))?.summary ?? "HTTP \(response.status.code)"
            throw ProviderError("registration at \(endpoint) was refused: \(error)")
        }
        return try response.content.decode(Registered.self)
    }

    private static func read(_ path: String) throws -> Self? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw ProviderError("\(path) is not a client file this app wrote: remove it to register anew")
        }
    }

    /// Writes the file readable by its owner only: it holds the client secret.
    private static func write(_ credentials: Self, to path: String) throws {
        let data = try JSONEncoder().encode(credentials)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw ProviderError("cannot write \(path) (errno \(errno))") }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw ProviderError("cannot restrict \(path) to its owner") }
        try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: data)
    }
}

/// An OAuth error answer (RFC 6749 §5.2, RFC 7591 §3.2.2): codes and descriptions only, never a secret.
struct OAuthError: Content {
    var error: String
    var error_description: String?

    var summary: String { error_description.map { "\(error): \($0)" } ?? error }
}
