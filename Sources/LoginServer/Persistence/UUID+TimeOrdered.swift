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
        // The 128 bits as two big-endian words, written straight into the UUID (no array on the heap per id).
        let high = milliseconds << 16 | 0x7000 | randomA & 0x0FFF  // time, version 7, rand_a
        let low = 0x8000_0000_0000_0000 | randomB & 0x3FFF_FFFF_FFFF_FFFF  // variant 10, rand_b
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { bytes in
            bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: uuid)
    }

    /// The largest time a version 7 UUID holds: 2^48 − 1 milliseconds after 1970.
    static let maxMilliseconds: UInt64 = (1 << 48) - 1
}
