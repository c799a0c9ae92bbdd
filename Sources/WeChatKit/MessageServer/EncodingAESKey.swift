import Crypto
import _CryptoExtras

/// The console's 43-character EncodingAESKey for AES safe mode: the AES-256 key (and the IV, its first 16 bytes).
///
/// Its description is redacted: the key never appears in logs or errors.
public struct EncodingAESKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let key: SymmetricKey
    let iv: AES._CBC.IV

    /// Validates and decodes `encoded`: 43 characters of `[A-Za-z0-9]`, base64 of the key once `=` is appended.
    ///
    /// - Throws: `MessageServerError.invalidEncodingAESKey` (the message never echoes the key).
    public init(_ encoded: String) throws {
        let bytes = Array(encoded.utf8)
        guard bytes.count == 43 else {
            throw MessageServerError.invalidEncodingAESKey("expected 43 characters, got \(bytes.count)")
        }
        let sextets = bytes.compactMap(Self.base64Value)
        guard sextets.count == 43 else {
            throw MessageServerError.invalidEncodingAESKey("characters must be A-Z, a-z or 0-9")
        }
        // 43 × 6 = 258 bits: 32 bytes and 2 spare bits, which are ignored (they are non-zero in real keys,
        // e.g. "…EFG"), exactly as a lenient base64 decoder of `encoded + "="` does.
        var raw: [UInt8] = []
        raw.reserveCapacity(32)
        var buffer: UInt32 = 0
        var bits = 0
        for sextet in sextets {
            buffer = (buffer << 6) | UInt32(sextet)
            bits += 6
            if bits >= 8, raw.count < 32 {
                bits -= 8
                raw.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard raw.count == 32 else { throw MessageServerError.invalidEncodingAESKey("does not decode to 32 bytes") }
        self.key = SymmetricKey(data: raw)
        self.iv = try AES._CBC.IV(ivBytes: raw.prefix(16))
    }

    /// The raw key bytes, for tests only (never logged).
    var keyBytes: [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// A redacted description.
    public var description: String { "EncodingAESKey(<redacted>)" }

    /// A redacted description.
    public var debugDescription: String { description }

    /// The base64 value of an alphanumeric byte; `nil` for anything else (including `+` and `/`).
    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x41...0x5A: byte - 0x41
        case 0x61...0x7A: byte - 0x61 + 26
        case 0x30...0x39: byte - 0x30 + 52
        default: nil
        }
    }
}
