import Foundation

extension UUID {
    /// A version 7 UUID (RFC 9562 §5.7): the 48-bit Unix time in milliseconds of `date`, then 74 random bits.
    ///
    /// The id of a row in a table that only grows at its end — a queued template message, a stored push, a push's
    /// nonce, a relayed push. A random (version 4) id lands on a random leaf of the primary-key index, so with a
    /// million rows every insert read and dirtied a leaf of its own (on SQLite, one more page written to the WAL per
    /// row; issue 17); ids that follow the clock all land on the index's last leaf. The time they reveal is the row's
    /// own `created_at`, `received_at`, `seen_at` or `claimed_at`. Within one millisecond the order is random, which
    /// no reader relies on.
    static func timeOrdered(at date: Date) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return timeOrdered(at: date, using: &generator)
    }

    /// ``timeOrdered(at:)`` with the random bits from `generator` (tests script them). A date before 1970 counts as
    /// 1970 (so does NaN); one past the 48-bit range (year 10889) as its end.
    static func timeOrdered(at date: Date, using generator: inout some RandomNumberGenerator) -> UUID {
        let raw = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let milliseconds: UInt64 = raw >= Double(maxMilliseconds) ? maxMilliseconds : raw > 0 ? UInt64(raw) : 0
        let randomA = generator.next() as UInt64
        let randomB = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: randomA >> 8) & 0x0F  // version 7, then rand_a's high bits
        bytes[7] = UInt8(truncatingIfNeeded: randomA)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: randomB >> 56) & 0x3F  // variant 10, then rand_b
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: randomB >> (8 * UInt64(15 - index))) }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The largest time a version 7 UUID holds: 2^48 − 1 milliseconds after 1970.
    static let maxMilliseconds: UInt64 = (1 << 48) - 1
}
