@testable import WeChatSandbox
import Testing

@Suite("QR code tables and BCH-coded information")
struct QRTablesTests {
    @Test("byte-mode capacity matches ISO/IEC 18004 table 7 for every version and level",
          arguments: QRCode.ErrorCorrection.allCases)
    func byteCapacity(level: QRCode.ErrorCorrection) throws {
        let expected = try #require(QRReferenceTables.byteCapacity[level])
        let actual = (1...40).map { QRCode.byteCapacity(version: $0, errorCorrection: level) }
        #expect(actual == expected)
    }

    @Test("alignment pattern positions match annex E for every version")
    func alignmentPositions() {
        let actual = (1...40).map { QRTables.alignmentPatternPositions(version: $0) }
        #expect(actual == QRReferenceTables.alignmentPositions)
    }

    @Test("format information for each level and mask", arguments: QRCode.ErrorCorrection.allCases)
    func formatInformation(level: QRCode.ErrorCorrection) throws {
        let expected = try #require(QRReferenceTables.formatBits[level])
        let actual = (0..<8).map { binary(QRFormatInfo.formatBits(errorCorrection: level, mask: $0), width: 15) }
        #expect(actual == expected)
    }

    @Test("format information M / mask 0 is 101010000010010 (tutorial value)")
    func formatInformationKnownValue() {
        #expect(binary(QRFormatInfo.formatBits(errorCorrection: .medium, mask: 0), width: 15) == "101010000010010")
        #expect(binary(QRFormatInfo.formatBits(errorCorrection: .low, mask: 4), width: 15) == "110011000101111")
    }

    @Test("version information: version 7 is 000111110010010100, and versions 7…40 match annex D")
    func versionInformation() {
        #expect(binary(QRFormatInfo.versionBits(version: 7), width: 18) == "000111110010010100")
        #expect((7...40).map { binary(QRFormatInfo.versionBits(version: $0), width: 18) } == QRReferenceTables.versionBits)
    }

    @Test("raw data modules: 208 in version 1, 29,648 in version 40")
    func rawModules() {
        #expect(QRTables.rawDataModules(version: 1) == 208)
        #expect(QRTables.rawDataModules(version: 7) == 1568)
        #expect(QRTables.rawDataModules(version: 40) == 29_648)
    }

    private func binary(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 2)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
