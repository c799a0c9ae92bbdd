/// Lowercase hexadecimal, for digests stored or compared as text.
///
/// `String(format: "%02x")` per byte went through Foundation's formatter: on the login path (the browser binding's
/// hash, twice per login) it was a measurable share of the server's CPU.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func lowercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
