/// The `state` parameter of an authorization request: WeChat's rule is letters and digits only,
/// 1…128 bytes. Use ``random(length:)`` for a CSRF token and bind it to the browser session.
public struct OAuthState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The validated state string.
    public let rawValue: String

    /// The longest state WeChat accepts, in bytes.
    public static let maxLength = 128

    /// Validates a state: `nil` unless it is 1…128 ASCII letters or digits.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Validates a state, throwing ``WeChatError/invalidArgument`` when it is not 1…128 ASCII letters or digits.
    public init(validating value: String) throws(WeChatError) {
        guard Self.isValid(value) else {
            throw WeChatError(.invalidArgument, detail: "state must be 1...128 ASCII letters or digits")
        }
        self.rawValue = value
    }

    /// A cryptographically secure random state of `length` letters and digits (default 32, clamped to 1…128).
    public static func random(length: Int = 32) -> OAuthState {
        var generator = SystemRandomNumberGenerator()
        return random(length: length, using: &generator)
    }

    /// A random state drawn from `generator` (tests pass a seeded one).
    ///
    /// Each 64-bit draw gives eight bytes, so a 32-character state takes about five draws (five `getrandom` calls
    /// from the system generator) instead of one per character. A byte of 248 or more is skipped: 248 is 4 × 62, so
    /// every letter and digit stays equally likely (no modulo bias).
    static func random(length: Int, using generator: inout some RandomNumberGenerator) -> OAuthState {
        let count = min(max(length, 1), maxLength)
        var characters = ""
        characters.reserveCapacity(count)
        var produced = 0
        var word: UInt64 = 0
        var bytesLeft = 0
        while produced < count {
            if bytesLeft == 0 {
                word = generator.next()
                bytesLeft = 8
            }
            let byte = UInt8(truncatingIfNeeded: word)
            word >>= 8
            bytesLeft -= 1
            guard byte < unbiasedLimit else { continue }
            characters.append(alphabet[Int(byte) % alphabet.count])
            produced += 1
        }
        return OAuthState(uncheckedRawValue: characters)
    }

    /// Decodes and validates a state; invalid strings fail decoding.
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        guard Self.isValid(value) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "state must be 1...128 ASCII letters or digits"))
        }
        self.rawValue = value
    }

    /// Encodes the state string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The state string.
    public var description: String { rawValue }

    private init(uncheckedRawValue: String) { self.rawValue = uncheckedRawValue }

    private static let alphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// The largest multiple of the alphabet's size that fits a byte: bytes below it map evenly onto the alphabet.
    private static let unbiasedLimit = UInt8(256 / alphabet.count * alphabet.count)

    private static func isValid(_ value: String) -> Bool {
        let bytes = value.utf8
        guard (1...maxLength).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
