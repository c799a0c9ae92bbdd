/// Why registration metadata was refused: RFC 7591 §3.2.2's two error codes, with a description for the developer
/// (it names the field; it never carries a secret).
struct ClientMetadataError: Error, Equatable, CustomStringConvertible {
    enum Code: String, Sendable {
        case invalidRedirectURI = "invalid_redirect_uri"
        case invalidClientMetadata = "invalid_client_metadata"
    }

    var code: Code
    var reason: String

    static func redirectURI(_ reason: String) -> Self { .init(code: .invalidRedirectURI, reason: reason) }
    static func metadata(_ reason: String) -> Self { .init(code: .invalidClientMetadata, reason: reason) }

    var description: String { "\(code.rawValue): \(reason)" }
}
