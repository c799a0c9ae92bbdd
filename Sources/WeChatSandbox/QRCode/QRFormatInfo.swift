/// BCH-coded format information (level and mask) and version information of ISO/IEC 18004 §7.9–7.10.
enum QRFormatInfo {
    /// The two-bit level indicator: L = 01, M = 00, Q = 11, H = 10.
    static func levelBits(_ level: QRCode.ErrorCorrection) -> Int {
        switch level {
        case .low: 1
        case .medium: 0
        case .quartile: 3
        case .high: 2
        }
    }

    /// The 15-bit format information: 5 data bits, 10 BCH bits (generator 0x537), XOR mask 0x5412.
    static func formatBits(errorCorrection: QRCode.ErrorCorrection, mask: Int) -> Int {
        let data = levelBits(errorCorrection) << 3 | mask
        var remainder = data
        for _ in 0..<10 {
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// The 18-bit version information: 6 version bits, 12 BCH bits (generator 0x1F25).
    static func versionBits(version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 {
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        }
        return version << 12 | remainder
    }
}
