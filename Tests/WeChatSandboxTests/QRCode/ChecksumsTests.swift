@testable import WeChatSandbox
import Testing

@Suite("CRC-32, Adler-32 and the stored-block zlib stream")
struct ChecksumsTests {
    @Test("CRC-32 of \"IEND\" is 0xAE426082")
    func crcOfIEND() {
        #expect(Checksums.crc32(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test("CRC-32 check value of \"123456789\" is 0xCBF43926")
    func crcCheckValue() {
        #expect(Checksums.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksums.crc32([]) == 0)
    }

    @Test("Adler-32 of \"Wikipedia\" is 0x11E60398")
    func adlerOfWikipedia() {
        #expect(Checksums.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Checksums.adler32([]) == 1)
    }

    @Test("Adler-32 sums wrap modulo 65,521 on long input")
    func adlerLongInput() {
        // 100,000 bytes of 0xFF: a = 1 + 255·n, b = n + 255·n(n+1)/2, both mod 65,521.
        let n = 100_000
        let a = (1 + 255 * n) % 65_521
        let b = (n + 255 * (n * (n + 1) / 2)) % 65_521
        #expect(Checksums.adler32([UInt8](repeating: 0xFF, count: n)) == UInt32(b << 16 | a))
    }

    @Test("zlib stream of stored blocks splits at 65,535 bytes and round-trips", arguments: [0, 1, 65_535, 65_536, 140_000])
    func zlibStoredRoundTrip(count: Int) throws {
        let data = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let stream = PNGEncoder.zlibStored(data)
        #expect(Array(stream.prefix(2)) == [0x78, 0x01])
        #expect((UInt16(stream[0]) << 8 | UInt16(stream[1])) % 31 == 0)
        var offset = 2
        var inflated: [UInt8] = []
        var blocks = 0
        while true {
            let header = stream[offset]
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            #expect(length ^ complement == 0xFFFF)
            #expect(length <= 65_535)
            inflated += stream[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            blocks += 1
            if header & 1 == 1 { break }
            #expect(header == 0)
        }
        #expect(inflated == data)
        #expect(blocks == max(1, (count + 65_534) / 65_535))
        let adler = stream[offset...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(stream.count == offset + 4)
        #expect(adler == Checksums.adler32(data))
    }
}
