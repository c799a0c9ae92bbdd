import Crypto
import Foundation

/// Generators for WeChat-shaped identifiers (spec §0.1).
enum Identifiers {
    static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let tokenAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

    /// A stable 28-character id starting with `o`, derived from the seed and the parts.
    static func derived(seed: String, _ parts: String...) -> String {
        let key = SymmetricKey(data: Data(seed.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(parts.joined(separator: "\u{1F}").utf8), using: key)
        let chars = mac.map { tokenAlphabet[Int($0) % 64] }
        return "o" + String(chars.prefix(27))
    }

    /// A 32-character alphanumeric OAuth code.
    static func code() -> String {
        random(32, from: alphanumerics)
    }

    /// A token like `72_` + 107 characters.
    static func token() -> String {
        "\(Int.random(in: 10...99))_" + random(107, from: tokenAlphabet)
    }

    /// A QR session uuid (16 alphanumerics).
    static func qrUUID() -> String {
        random(16, from: alphanumerics)
    }

    /// A message id above 2^53.
    static func msgID() -> Int64 {
        Int64.random(in: (1 << 60)...Int64.max)
    }

    /// The `rid` trace suffix: three groups of 8 hex digits.
    static func rid() -> String {
        (0..<3).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined(separator: "-")
    }

    /// `count` characters drawn uniformly from `alphabet` (at most 256 characters), eight per call to the system
    /// generator (one `getrandom` each) instead of one call per character.
    static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        let limit = 256 - 256 % alphabet.count  // bytes at or above it are dropped, so every character is as likely
        var characters: [Character] = []
        characters.reserveCapacity(count)
        var pool: UInt64 = 0
        var left = 0
        while characters.count < count {
            if left == 0 { pool = generator.next(); left = 8 }
            let byte = Int(pool & 0xff)
            pool >>= 8
            left -= 1
            if byte < limit { characters.append(alphabet[byte % alphabet.count]) }
        }
        return String(characters)
    }
}
