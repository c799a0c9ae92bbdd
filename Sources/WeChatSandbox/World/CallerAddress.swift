import Foundation

/// A caller's IP address as WeChat reports it: an IPv4 caller is also shown in its IPv4-mapped IPv6 form.
struct CallerAddress: Sendable, Equatable {
    /// The address as WeChat's `invalid ip` shows it first (IPv4 when the caller has one).
    let ip: String
    /// The IPv6 form (`::ffff:<v4>` for an IPv4 caller).
    let ipv6: String

    /// Normalizes `192.0.2.1`, `::ffff:192.0.2.1` (either case) or an IPv6 address.
    init(_ address: String) {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("::ffff:"), lower.dropFirst(7).contains(".") {
            ip = String(lower.dropFirst(7))
        } else {
            ip = lower
        }
        ipv6 = ip.contains(".") ? "::ffff:" + ip : ip
    }

    /// Whether a whitelist holds this caller (entries compare in their normalized form).
    func isListed(in whitelist: [String]) -> Bool {
        whitelist.contains { CallerAddress($0) == self }
    }

    /// Whether `text` looks like an IPv4 address (four decimal octets) or an IPv6 address (hex groups, one `::`).
    static func isValid(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        if !text.contains(":") {
            return octets.count == 4 && octets.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
        }
        let hex = Set("0123456789abcdefABCDEF:.")
        guard text.count <= 45, text.allSatisfy({ hex.contains($0) }) else { return false }
        let compressions = text.components(separatedBy: "::").count - 1
        let groups = text.split(separator: ":").count
        guard compressions <= 1, groups >= 1, compressions == 1 || groups >= 7 else { return false }
        return !text.contains(":::")
    }
}
