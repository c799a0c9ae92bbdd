extension QRCode {
    /// The final codeword sequence for `bytes`: byte-mode segment, terminator, pad codewords,
    /// error correction per block, and the interleaving of §7.6.
    static func codewords(for bytes: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let data = dataCodewords(for: bytes, version: version, errorCorrection: errorCorrection)
        return interleavedWithErrorCorrection(data, version: version, errorCorrection: errorCorrection)
    }

    /// Data codewords: mode 0100, count, bytes, terminator, bit padding, then 0xEC/0x11 pad codewords.
    static func dataCodewords(for bytes: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let capacityBits = QRTables.dataCodewords(version: version, errorCorrection: errorCorrection) * 8
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: characterCountBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var result = bits.bytes
        var pad: UInt8 = 0xEC
        while result.count * 8 < capacityBits {
            result.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return result
    }

    /// Splits data codewords into blocks, appends each block's EC codewords, and interleaves.
    static func interleavedWithErrorCorrection(
        _ data: [UInt8], version: Int, errorCorrection: ErrorCorrection
    ) -> [UInt8] {
        let blockCount = QRTables.numberOfBlocks(version: version, errorCorrection: errorCorrection)
        let eccLength = QRTables.eccCodewordsPerBlock(version: version, errorCorrection: errorCorrection)
        let total = QRTables.totalCodewords(version: version)
        let shortBlockCount = blockCount - total % blockCount
        let shortDataLength = total / blockCount - eccLength
        let encoder = ReedSolomon(degree: eccLength)

        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blockCount {
            let length = shortDataLength + (index < shortBlockCount ? 0 : 1)
            let block = Array(data[offset..<(offset + length)])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(encoder.remainder(of: block))
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for position in 0...shortDataLength {
            for block in dataBlocks where position < block.count {
                result.append(block[position])
            }
        }
        for position in 0..<eccLength {
            for block in eccBlocks {
                result.append(block[position])
            }
        }
        return result
    }
}
