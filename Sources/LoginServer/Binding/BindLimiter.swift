import Crypto
import Fluent
import Foundation
import SQLKit
import WeChatKit

/// The caps on codes sent and wrong codes tried per address and per account, and the one way to their table,
/// `bind_limit_counters`.
///
/// Each counter is one row per (scope, subject, window). Claiming adds one with a single conditional upsert that
/// refuses at the cap, so concurrent requests on any number of instances can never count past it. Addresses are
/// stored only as a keyed hash; an account is its user id.
struct BindLimiter: Sendable {
    let limits: LoginServerConfiguration.BindLimits
    /// Keys the address hashes; derived from the code key, so there is no extra secret to manage.
    let subjectKey: SymmetricKey

    init(limits: LoginServerConfiguration.BindLimits, codeKey: SymmetricKey) {
        self.limits = limits
        self.subjectKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: codeKey, info: Data("wechat-login bind limit subjects".utf8), outputByteCount: 32)
    }

    /// What is being counted.
    enum Action: String, Sendable {
        case codeSent = "code"
        case failedAttempt = "fail"
    }

    /// One counter row a request counts toward.
    struct Counter: Sendable, Equatable {
        /// `code.address.hour`, `fail.account.day`, …
        var scope: String
        /// The address's keyed hash, or the account's user id.
        var subject: String
        /// The window, in seconds since 1970 (UTC).
        var windowStart: Int64
        var windowEnd: Int64
        var cap: Int
    }

    /// A cap was reached: which one (for the log, never the address) and when its window ends.
    struct Reached: Error, Sendable, Equatable, CustomStringConvertible {
        var scope: String
        /// Seconds until the window ends (at least 1).
        var retryAfter: Int
        var description: String { "bind limit \(scope) reached, retry after \(retryAfter) s" }
    }

    /// The counters one action against `contact` counts toward: the address's, and the account's when an account
    /// already has that address, each per hour and per day.
    func counters(for action: Action, contact: ContactAddress, account: UUID?, at now: Date) -> [Counter] {
        let caps: [(String, Int, Int64)] = switch action {
        case .codeSent: [("address.hour", limits.codesPerAddressPerHour, 3600),
                         ("address.day", limits.codesPerAddressPerDay, 86_400),
                         ("account.hour", limits.codesPerAccountPerHour, 3600),
                         ("account.day", limits.codesPerAccountPerDay, 86_400)]
        case .failedAttempt: [("address.hour", limits.failuresPerAddressPerHour, 3600),
                              ("address.day", limits.failuresPerAddressPerDay, 86_400),
                              ("account.hour", limits.failuresPerAccountPerHour, 3600),
                              ("account.day", limits.failuresPerAccountPerDay, 86_400)]
        }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let address = subject(for: contact)
        return caps.compactMap { name, cap, length in
            let subject = name.hasPrefix("account") ? account.map(\.uuidString) : address
            guard let subject else { return nil }
            let start = seconds - seconds % length
            return Counter(scope: "\(action.rawValue).\(name)", subject: subject, windowStart: start,
                           windowEnd: start + length, cap: cap)
        }
    }

    /// Adds one to every counter, or throws ``Reached`` for the first one at its cap. Run it inside the caller's
    /// transaction: the throw rolls back the counters already added, so a refusal counts nowhere. Returns the scopes
    /// of the counters this claim filled (its count reached the cap): exactly one claim fills each.
    @discardableResult
    func claim(_ counters: [Counter], at now: Date, on database: any Database) async throws -> [String] {
        let sql = try database.sql()
        var filled: [String] = []
        // Always in the same order (as `counters(for:)` lists them), so concurrent claims cannot deadlock.
        for counter in counters {
            let rows = try await sql.raw("""
                INSERT INTO bind_limit_counters (scope, subject, window_start, window_end, count)
                VALUES (\(bind: counter.scope), \(bind: counter.subject), \(bind: counter.windowStart),
                    \(bind: counter.windowEnd), 1)
                ON CONFLICT (scope, subject, window_start) DO UPDATE SET count = bind_limit_counters.count + 1
                WHERE bind_limit_counters.count < \(bind: counter.cap)
                RETURNING count
                """).all()
            if rows.isEmpty || counter.cap < 1 {
                let left = counter.windowEnd - Int64(now.timeIntervalSince1970.rounded(.down))
                throw Reached(scope: counter.scope, retryAfter: Int(max(1, left)))
            }
            if try rows[0].decode(column: "count", as: Int.self) >= counter.cap { filled.append(counter.scope) }
        }
        return filled
    }

    /// Takes back one count from each counter: a code that could not be sent, or a code that was right after all.
    func refund(_ counters: [Counter], on database: any Database) async throws {
        let sql = try database.sql()
        for counter in counters {
            try await sql.raw("""
                UPDATE bind_limit_counters SET count = count - 1
                WHERE scope = \(bind: counter.scope) AND subject = \(bind: counter.subject)
                    AND window_start = \(bind: counter.windowStart) AND count > 0
                """).run()
        }
    }

    /// Deletes counters whose window ended before `cutoff`; returns how many.
    static func sweep(before cutoff: Date, on database: any Database) async throws -> Int {
        let end = Int64(cutoff.timeIntervalSince1970.rounded(.down))
        let rows = try await database.sql().raw("DELETE FROM bind_limit_counters WHERE window_end < \(bind: end) RETURNING scope")
            .all()
        return rows.count
    }

    /// The address's counter subject: a keyed hash, so the table holds no phone numbers or emails.
    private func subject(for contact: ContactAddress) -> String {
        let kind = if case .phone = contact { "phone" } else { "email" }
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(kind):\(contact.value)".utf8), using: subjectKey)
        return Hex.lowercase(mac)
    }
}
