import Crypto
import Foundation

/// WeChat's message-server signatures: `lowercase_hex(sha1(join(sort(parts))))`.
///
/// The plain `signature` covers `[token, timestamp, nonce]` (URL verification and every push); the AES
/// `msg_signature` adds the `Encrypt` text. Verification compares in constant time.
public enum MessageSignature {
    /// The signature of any list of parts: sorted by UTF-8 bytes, concatenated, SHA-1, lowercase hex.
    public static func compute(_ parts: [String]) -> String {
        let sorted = parts.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var hasher = Insecure.SHA1()
        for part in sorted { hasher.update(data: Array(part.utf8)) }
        return Hex.lowercase(hasher.finalize())
    }

    /// The plain `signature` of a URL verification or a push.
    public static func plain(token: String, timestamp: String, nonce: String) -> String {
        compute([token, timestamp, nonce])
    }

    /// The `msg_signature` of an encrypted push or reply.
    public static func message(token: String, timestamp: String, nonce: String, encrypt: String) -> String {
        compute([token, timestamp, nonce, encrypt])
    }

    /// Whether `signature` is the plain signature of the inputs (constant-time comparison).
    public static func isValid(_ signature: String, token: String, timestamp: String, nonce: String) -> Bool {
        constantTimeEquals(signature, plain(token: token, timestamp: timestamp, nonce: nonce))
    }

    /// Whether `msgSignature` is the `msg_signature` of the inputs (constant-time comparison).
    public static func isValidMessage(
        _ msgSignature: String, token: String, timestamp: String, nonce: String, encrypt: String
    ) -> Bool {
        constantTimeEquals(msgSignature, message(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt))
    }

    /// Compares two strings' UTF-8 bytes without an early exit (``ConstantTime/equals(_:_:)``).
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        ConstantTime.equals(lhs, rhs)
    }
}
