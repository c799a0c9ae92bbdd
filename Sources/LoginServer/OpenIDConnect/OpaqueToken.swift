import Crypto
import Foundation
import WeChatKit

/// Random handles (authorization codes, pending-request ids, browser cookies) and the hashes they are stored as.
enum OpaqueToken {
    /// `bytes` random bytes from the system's cryptographic generator, base64url without padding.
    static func random(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncoded()
    }

    /// The stored form: lower-case hex SHA-256, so a read of the table yields nothing that can be presented.
    static func hash(_ value: String) -> String { Hex.lowercase(SHA256.hash(data: Data(value.utf8))) }

    /// base64url(SHA-256(ASCII(value))): PKCE's S256 (RFC 7636 §4.2).
    static func sha256Base64URL(_ value: String) -> String {
        Data(SHA256.hash(data: Data(value.utf8))).base64URLEncoded()
    }

    /// The left half of SHA-256 of the access token, base64url: `at_hash` for RS256/ES256 (Core §3.1.3.6).
    static func leftHalfHash(_ value: String) -> String {
        Data(Data(SHA256.hash(data: Data(value.utf8))).prefix(16)).base64URLEncoded()
    }
}
