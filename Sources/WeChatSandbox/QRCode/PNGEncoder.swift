/// A minimal PNG writer for 1-bit grayscale images, with the IDAT stored uncompressed in a zlib stream.
enum PNGEncoder {
    /// The PNG file for a `width`×`height` 1-bit grayscale image; `isBlack(x, y)` gives each pixel.
    static func grayscale1Bit(width: Int, height: Int, isBlack: (Int, Int) -> Bool) -> [UInt8] {
        let rowLength = (width + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowLength + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter type: None
            var row = [UInt8](repeating: 0xFF, count: rowLength)
            for x in 0..<width where isBlack(x, y) {
                row[x / 8] &= ~(UInt8(0x80) >> UInt8(x % 8))
            }
            raw.append(contentsOf: row)
        }

        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [1, 0, 0, 0, 0])  // bit depth 1, grayscale, deflate, no filter, no interlace

        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file.append(contentsOf: chunk("IHDR", header))
        file.append(contentsOf: chunk("IDAT", zlibStored(raw)))
        file.append(contentsOf: chunk("IEND", []))
        return file
    }

    /// One chunk: length, type, data, CRC-32 over type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        var result: [UInt8] = []
        result.appendBigEndian(UInt32(data.count))
        result.append(contentsOf: typeBytes)
        result.append(contentsOf: data)
        result.appendBigEndian(Checksums.crc32(typeBytes + data))
        return result
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4) of at most 65,535 bytes.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let isFinal = offset + length == data.count
            result.append(isFinal ? 1 : 0)
            let len = UInt16(length)
            result.append(contentsOf: [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)])
            result.append(contentsOf: data[offset..<(offset + length)])
            offset += length
        } while offset < data.count
        result.appendBigEndian(Checksums.adler32(data))
        return result
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
