extension QRCode {
    /// The smallest version whose byte-mode capacity holds `count` bytes, or nil if none does.
    static func smallestVersion(forByteCount count: Int, errorCorrection: ErrorCorrection) -> Int? {
        for version in 1...40 {
            let capacityBits = QRTables.dataCodewords(version: version, errorCorrection: errorCorrection) * 8
            let neededBits = 4 + characterCountBits(version: version) + count * 8
            if neededBits <= capacityBits { return version }
        }
        return nil
    }

    /// The maximum number of bytes a symbol of `version` holds in byte mode.
    static func byteCapacity(version: Int, errorCorrection: ErrorCorrection) -> Int {
        let capacityBits = QRTables.dataCodewords(version: version, errorCorrection: errorCorrection) * 8
        return (capacityBits - 4 - characterCountBits(version: version)) / 8
    }

    /// Width of the byte-mode character count indicator.
    static func characterCountBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }
}
