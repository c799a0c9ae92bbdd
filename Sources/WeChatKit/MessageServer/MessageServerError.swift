/// An error from the message-server part of WeChatKit: signatures, replay checks, AES safe mode, XML and pushes.
///
/// Compare with the static members (`error == .badSignature`); equality looks at the kind only, never at the
/// detail. The description names the kind and a fixed explanation; it never contains keys, tokens or message text.
public struct MessageServerError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Hashable, Sendable {
        case badSignature, staleTimestamp, replayedNonce, badMessageSignature
        case wrongAppID, badPadding, badCiphertext, badLength, invalidEncodingAESKey
        case oversized, malformedXML, forbiddenXML, invalidEncoding
        case missingParameter, invalidParameter, missingField, invalidField
        case encryptionRequired, encryptionNotConfigured, invalidConfiguration, invalidArgument
    }

    private let kind: Kind
    private let detail: String?

    private init(_ kind: Kind, _ detail: String? = nil) {
        self.kind = kind
        self.detail = detail
    }

    /// A textual explanation that never contains secrets or untrusted payload.
    public var description: String {
        if let detail { return "MessageServerError.\(kind.rawValue): \(detail)" }
        return "MessageServerError.\(kind.rawValue)"
    }

    /// Equality compares the kind only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.kind == rhs.kind }

    /// Hashes the kind only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// The `signature` query parameter does not match `sha1(sort([token, timestamp, nonce]))`.
    public static let badSignature = Self(.badSignature)
    /// The `timestamp` is outside the accepted window around now.
    public static let staleTimestamp = Self(.staleTimestamp)
    /// The `nonce` was already seen within its retention period (a replay or a WeChat retry).
    public static let replayedNonce = Self(.replayedNonce)
    /// The `msg_signature` does not match `sha1(sort([token, timestamp, nonce, Encrypt]))`.
    public static let badMessageSignature = Self(.badMessageSignature)
    /// The decrypted message ends with an AppID other than the configured one.
    public static let wrongAppID = Self(.wrongAppID)
    /// The decrypted block's PKCS#7 padding (to 32 bytes) is invalid.
    public static let badPadding = Self(.badPadding)
    /// The `Encrypt` value is not base64 or not a whole number of 32-byte blocks.
    public static let badCiphertext = Self(.badCiphertext)
    /// The decrypted length field points outside the decrypted data.
    public static let badLength = Self(.badLength)
    /// The EncodingAESKey is not 43 characters of `[A-Za-z0-9]` decoding to 32 bytes.
    public static let invalidEncodingAESKey = Self(.invalidEncodingAESKey)
    /// The input exceeds a configured size limit (body, query, depth or element count).
    public static let oversized = Self(.oversized)
    /// The XML is not well-formed for the supported subset.
    public static let malformedXML = Self(.malformedXML)
    /// The XML contains a DOCTYPE, an entity declaration or reference, or a processing instruction.
    public static let forbiddenXML = Self(.forbiddenXML)
    /// The input is not valid UTF-8 (or declares another encoding).
    public static let invalidEncoding = Self(.invalidEncoding)
    /// A required query parameter is absent.
    public static let missingParameter = Self(.missingParameter)
    /// A query parameter has an invalid value or is repeated.
    public static let invalidParameter = Self(.invalidParameter)
    /// A required XML field of the push is absent.
    public static let missingField = Self(.missingField)
    /// An XML field of the push has an invalid value or is repeated.
    public static let invalidField = Self(.invalidField)
    /// A plaintext push arrived while safe mode requires encryption.
    public static let encryptionRequired = Self(.encryptionRequired)
    /// An encrypted push arrived but no EncodingAESKey is configured (plaintext mode).
    public static let encryptionNotConfigured = Self(.encryptionNotConfigured)
    /// The configuration is inconsistent (e.g. safe mode without a key).
    public static let invalidConfiguration = Self(.invalidConfiguration)
    /// A caller-supplied argument is invalid (e.g. a random prefix that is not 16 bytes).
    public static let invalidArgument = Self(.invalidArgument)

    static func badCiphertext(_ detail: String) -> Self { Self(.badCiphertext, detail) }
    static func badPadding(_ detail: String) -> Self { Self(.badPadding, detail) }
    static func badLength(_ detail: String) -> Self { Self(.badLength, detail) }
    static func invalidEncodingAESKey(_ detail: String) -> Self { Self(.invalidEncodingAESKey, detail) }
    static func oversized(_ detail: String) -> Self { Self(.oversized, detail) }
    static func malformedXML(_ detail: String, at offset: Int) -> Self { Self(.malformedXML, "\(detail) at byte \(offset)") }
    static func forbiddenXML(_ detail: String, at offset: Int) -> Self { Self(.forbiddenXML, "\(detail) at byte \(offset)") }
    static func invalidEncoding(_ detail: String) -> Self { Self(.invalidEncoding, detail) }
    static func missingParameter(_ name: StaticString) -> Self { Self(.missingParameter, "\(name)") }
    static func invalidParameter(_ name: StaticString) -> Self { Self(.invalidParameter, "\(name)") }
    static func missingField(_ name: StaticString) -> Self { Self(.missingField, "\(name)") }
    static func invalidField(_ name: StaticString) -> Self { Self(.invalidField, "\(name)") }
    static func invalidConfiguration(_ detail: String) -> Self { Self(.invalidConfiguration, detail) }
    static func invalidArgument(_ detail: String) -> Self { Self(.invalidArgument, detail) }
}
