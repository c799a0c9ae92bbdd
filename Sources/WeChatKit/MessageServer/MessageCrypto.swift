import Foundation

/// AES safe mode ("WXBizMsgCrypt") for one official account: verifies and decrypts pushes, encrypts replies.
///
/// Holds the current EncodingAESKey and, during a rotation, the previous one: decryption tries the current key
/// first, then the previous, and reports which one worked so that the reply is encrypted with the same key.
/// The description is redacted (the token and keys are secrets).
public struct MessageCrypto: Sendable, CustomStringConvertible {
    /// Which configured key decrypted a push (and so encrypts its reply).
    public enum KeySlot: Sendable, Hashable {
        /// The current EncodingAESKey.
        case current
        /// The previous EncodingAESKey, kept during a rotation.
        case previous
    }

    /// A decrypted push: the inner message bytes (UTF-8 XML) and the key that decrypted them.
    public struct Decrypted: Sendable, Hashable {
        /// The decrypted message (the `msg` part of the layout), usually UTF-8 XML.
        public let message: Data
        /// The key that decrypted the message.
        public let keySlot: KeySlot
    }

    let token: String
    let appID: String
    let key: EncodingAESKey
    let previousKey: EncodingAESKey?

    /// Creates the crypto for one account: its Token, AppID, current and optional previous EncodingAESKey.
    public init(token: String, appID: String, key: EncodingAESKey, previousKey: EncodingAESKey? = nil) {
        self.token = token
        self.appID = appID
        self.key = key
        self.previousKey = previousKey
    }

    /// A redacted description.
    public var description: String { "MessageCrypto(appID: \(appID), token: <redacted>, keys: <redacted>)" }

    /// Verifies `msgSignature` over `[token, timestamp, nonce, encrypt]` (constant time), then decrypts `encrypt`.
    ///
    /// - Throws: `MessageServerError` `.badMessageSignature`, `.badCiphertext`, `.badPadding`, `.badLength` or
    ///   `.wrongAppID` (when no configured key yields a valid message; the current key's error is reported).
    public func decrypt(encrypt: String, msgSignature: String, timestamp: String, nonce: String) throws -> Decrypted {
        guard MessageSignature.isValidMessage(
            msgSignature, token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt
        ) else { throw MessageServerError.badMessageSignature }
        let ciphertext = try MessageCipher.decodeBase64(encrypt)
        do {
            return Decrypted(message: try open(ciphertext, with: key), keySlot: .current)
        } catch {
            guard let previousKey, let message = try? open(ciphertext, with: previousKey) else { throw error }
            return Decrypted(message: message, keySlot: .previous)
        }
    }

    /// Encrypts a reply `message` and signs it with the given `timestamp` and `nonce` (usually the push's own).
    ///
    /// - Parameters:
    ///   - keySlot: the key to use; pass the `keySlot` that decrypted the push.
    ///   - random: the 16-byte random prefix; `nil` draws it from the system's secure generator (set it in tests).
    public func encrypt(
        _ message: String, timestamp: String, nonce: String, keySlot: KeySlot = .current, random: [UInt8]? = nil
    ) throws -> MessageEncryptedReply {
        let chosen: EncodingAESKey
        switch keySlot {
        case .current: chosen = key
        case .previous:
            guard let previousKey else { throw MessageServerError.invalidArgument("no previous key is configured") }
            chosen = previousKey
        }
        var generator = SystemRandomNumberGenerator()
        let prefix = random ?? (0..<MessageCipher.randomCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encrypted = try MessageCipher.seal(Array(message.utf8), appID: Array(appID.utf8), random: prefix, key: chosen)
        let signature = MessageSignature.message(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypted)
        return MessageEncryptedReply(encrypt: encrypted, msgSignature: signature, timestamp: timestamp, nonce: nonce)
    }

    private func open(_ ciphertext: [UInt8], with key: EncodingAESKey) throws -> Data {
        let (message, trailer) = try MessageCipher.open(ciphertext, key: key)
        guard trailer == Array(appID.utf8) else { throw MessageServerError.wrongAppID }
        return Data(message)
    }
}
