/// An error from signing, encrypting or decrypting a push; descriptions never contain keys or plaintext.
struct PushCryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Kind: Equatable, Sendable {
        case invalidKey, invalidRandom, invalidBase64, invalidCiphertext, invalidPadding
        case invalidLength, appIDMismatch, invalidUTF8, tooLarge, missingKey
    }

    private let kind: Kind

    /// The EncodingAESKey is not 43 characters of `[A-Za-z0-9]`.
    static var invalidKey: Self { .init(kind: .invalidKey) }
    /// The random prefix is not exactly 16 bytes.
    static var invalidRandom: Self { .init(kind: .invalidRandom) }
    /// The `Encrypt` text is not standard Base64.
    static var invalidBase64: Self { .init(kind: .invalidBase64) }
    /// The ciphertext is empty, not a multiple of the AES block size, or could not be processed.
    static var invalidCiphertext: Self { .init(kind: .invalidCiphertext) }
    /// The PKCS#7 padding (block size 32) is malformed.
    static var invalidPadding: Self { .init(kind: .invalidPadding) }
    /// The embedded message length exceeds the decrypted data.
    static var invalidLength: Self { .init(kind: .invalidLength) }
    /// The trailing AppID differs from the expected one.
    static var appIDMismatch: Self { .init(kind: .appIDMismatch) }
    /// The message is not valid UTF-8.
    static var invalidUTF8: Self { .init(kind: .invalidUTF8) }
    /// The input exceeds the size limit.
    static var tooLarge: Self { .init(kind: .tooLarge) }
    /// Compatible or safe mode was requested without an EncodingAESKey.
    static var missingKey: Self { .init(kind: .missingKey) }

    var description: String {
        let detail = switch kind {
        case .invalidKey: "the EncodingAESKey must be 43 characters of [A-Za-z0-9]"
        case .invalidRandom: "the random prefix must be 16 bytes"
        case .invalidBase64: "the Encrypt field is not valid Base64"
        case .invalidCiphertext: "the ciphertext is not a non-empty multiple of 16 bytes"
        case .invalidPadding: "the decrypted data has invalid PKCS#7 padding"
        case .invalidLength: "the embedded message length exceeds the decrypted data"
        case .appIDMismatch: "the decrypted AppID does not match"
        case .invalidUTF8: "the decrypted message is not valid UTF-8"
        case .tooLarge: "the message exceeds the size limit"
        case .missingKey: "an EncodingAESKey is required in compatible and safe mode"
        }
        return "PushCryptoError: \(detail)"
    }
}
