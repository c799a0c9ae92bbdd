import Crypto
import Foundation
import WeChatKit

/// Client ids and secrets: random from the system's cryptographic generator, base64url without padding.
///
/// A secret is stored only as its SHA-256. A slow password hash (bcrypt, Argon2) exists to make guessing a
/// low-entropy password expensive; a 256-bit random secret cannot be guessed at any speed, so a slow hash would
/// add nothing but CPU on every token request (a lever for a flood). A stolen table yields hashes of secrets
/// nobody can invert.
enum ClientSecret {
    /// A new client id: 128 random bits (22 characters), unguessable and never reused.
    static func newClientID() -> String { randomToken(bytes: 16) }

    /// A new secret: 256 random bits (43 characters), shown once.
    static func newSecret() -> String { randomToken(bytes: 32) }

    /// The stored form: lower-case hex SHA-256 of the secret's UTF-8.
    static func hash(_ secret: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Whether `presented` is the secret behind `storedHash`, compared in constant time.
    static func matches(_ presented: String, storedHash: String) -> Bool {
        ConstantTime.equals(hash(presented), storedHash)
    }

    private static func randomToken(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
