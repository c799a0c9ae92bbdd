import Foundation

/// A phone number or an email address a person gives to find or create their account.
///
/// Normalised so that the same address always maps to the same account: mainland-China mobile numbers lose their
/// `+86`/`0086` prefix, spaces and dashes; emails are trimmed and lowercased.
enum ContactAddress: Hashable, Sendable {
    /// An 11-digit mainland-China mobile number, e.g. `13800138000`.
    case phone(String)
    /// A lowercased email address.
    case email(String)

    /// The longest input looked at; longer input is refused.
    static let maximumLength = 254

    /// Parses untrusted input; `nil` when it is neither a mobile number nor an email address.
    init?(_ raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= Self.maximumLength else { return nil }
        if trimmed.contains("@") {
            guard let email = Self.normalisedEmail(trimmed) else { return nil }
            self = .email(email)
        } else {
            guard let phone = Self.normalisedPhone(trimmed) else { return nil }
            self = .phone(phone)
        }
    }

    /// The normalised value stored on the user.
    var value: String {
        switch self {
        case .phone(let number): number
        case .email(let address): address
        }
    }

    /// What a person is shown: the value with its middle hidden (`138****8000`, `a***@example.com`).
    var masked: String {
        switch self {
        case .phone(let number):
            return String(number.prefix(3)) + "****" + String(number.suffix(4))
        case .email(let address):
            let parts = address.split(separator: "@", maxSplits: 1)
            guard parts.count == 2, let first = parts[0].first else { return address }
            return "\(first)***@\(parts[1])"
        }
    }

    private static func normalisedPhone(_ raw: String) -> String? {
        var digits = raw.filter { $0 != " " && $0 != "-" }
        for prefix in ["+86", "0086"] where digits.hasPrefix(prefix) {
            digits.removeFirst(prefix.count)
        }
        guard digits.count == 11, digits.first == "1", digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        let second = digits[digits.index(after: digits.startIndex)]
        guard "3456789".contains(second) else { return nil }
        return digits
    }

    private static func normalisedEmail(_ raw: String) -> String? {
        let lowered = raw.lowercased()
        let parts = lowered.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let (local, domain) = (parts[0], parts[1])
        guard !local.isEmpty, local.count <= 64, domain.contains("."), !domain.hasPrefix("."),
              !domain.hasSuffix("."), !domain.contains("..") else { return nil }
        let allowedLocal = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        let allowedDomain = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard local.allSatisfy(allowedLocal.contains), domain.allSatisfy(allowedDomain.contains) else { return nil }
        return lowered
    }
}
