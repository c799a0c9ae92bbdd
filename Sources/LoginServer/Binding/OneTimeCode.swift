import Crypto
import Foundation
import WeChatKit

/// The 6-digit code a person types to prove they own a phone number or an email address.
///
/// Only a keyed hash of the code is stored (HMAC-SHA256 under the server's secret, bound to the challenge it
/// belongs to), so a leaked database row reveals nothing usable; checks compare in constant time.
struct OneTimeCode: Sendable {
    /// The digits, e.g. `"042917"`.
    let digits: String

    /// A new code drawn uniformly from 000000–999999 with the system's cryptographic generator.
    static func random() -> OneTimeCode {
        var generator = SystemRandomNumberGenerator()
        let number = UInt32.random(in: 0..<1_000_000, using: &generator)
        let text = String(number)
        return OneTimeCode(digits: String(repeating: "0", count: 6 - text.count) + text)
    }

    /// Accepts what a person typed: six ASCII digits, spaces ignored.
    init?(typed: String) {
        let digits = typed.filter { $0 != " " }
        guard digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        self.digits = digits
    }

    private init(digits: String) { self.digits = digits }

    /// The stored form: hex HMAC-SHA256 of `challengeID:digits` under `key`.
    func hash(challengeID: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(challengeID):\(digits)".utf8), using: key)
        return Hex.lowercase(mac)
    }

    /// Whether this code matches a stored hash, compared in constant time.
    func matches(hash stored: String, challengeID: String, key: SymmetricKey) -> Bool {
        ConstantTime.equals(hash(challengeID: challengeID, key: key), stored)
    }
}
