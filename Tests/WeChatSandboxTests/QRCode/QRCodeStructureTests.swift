@testable import WeChatSandbox
import Testing

@Suite("QR code structure, version selection and images")
struct QRCodeStructureTests {
    static let confirmURL = "http://127.0.0.1:8081/connect/confirm?uuid=0a1B2c3D4e5F6g7H"

    @Test("the smallest version that holds the bytes is chosen, at every capacity boundary",
          arguments: QRCode.ErrorCorrection.allCases)
    func versionSelection(level: QRCode.ErrorCorrection) throws {
        let capacities = try #require(QRReferenceTables.byteCapacity[level])
        for version in [1, 2, 6, 7, 9, 10, 26, 27] {
            let full = try QRCode(text: String(repeating: "x", count: capacities[version - 1]), errorCorrection: level)
            #expect(full.version == version)
            #expect(full.size == 17 + 4 * version)
            let over = try QRCode(text: String(repeating: "x", count: capacities[version - 1] + 1), errorCorrection: level)
            #expect(over.version == version + 1)
        }
    }

    @Test("text beyond version 40's capacity throws tooLong", arguments: QRCode.ErrorCorrection.allCases)
    func tooLong(level: QRCode.ErrorCorrection) throws {
        let capacity = try #require(QRReferenceTables.byteCapacity[level]?.last)
        #expect(try QRCode(text: String(repeating: "x", count: capacity), errorCorrection: level).version == 40)
        #expect(throws: QRCodeError.tooLong) {
            try QRCode(text: String(repeating: "x", count: capacity + 1), errorCorrection: level)
        }
    }

    @Test("the error description names the problem")
    func errorDescription() {
        #expect(QRCodeError.tooLong.description.contains("too long"))
    }

    @Test("finder patterns, separators, timing and the dark module sit where ISO/IEC 18004 puts them")
    func functionPatterns() throws {
        let code = try QRCode(text: Self.confirmURL)
        #expect(code.version == 4)
        let last = code.size - 1
        for (x, y) in [(0, 0), (6, 0), (0, 6), (3, 3), (last, 0), (last - 6, 6), (0, last), (4, last - 2)] {
            #expect(code.isDark(x: x, y: y), "finder module (\(x), \(y))")
        }
        for (x, y) in [(7, 7), (1, 1), (5, 3), (last - 7, 0), (7, last), (last - 1, 1)] {
            #expect(!code.isDark(x: x, y: y), "light module (\(x), \(y))")
        }
        for index in 8...(last - 8) {
            #expect(code.isDark(x: index, y: 6) == (index % 2 == 0))
            #expect(code.isDark(x: 6, y: index) == (index % 2 == 0))
        }
        #expect(code.isDark(x: 8, y: code.size - 8))
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: code.size))
        // Version 4 has one alignment pattern centred at (26, 26).
        #expect(code.isDark(x: 26, y: 26) && !code.isDark(x: 25, y: 26) && code.isDark(x: 24, y: 26))
    }

    @Test("the recorded mask is the one in the format information")
    func formatInformationInSymbol() throws {
        let code = try QRCode(text: Self.confirmURL, errorCorrection: .quartile)
        let bits = QRFormatInfo.formatBits(errorCorrection: .quartile, mask: code.mask)
        for index in 0..<8 {
            #expect(code.isDark(x: code.size - 1 - index, y: 8) == ((bits >> index) & 1 == 1))
        }
    }

    @Test("the PNG is 1-bit grayscale with valid chunk CRCs and the right dimensions")
    func pngStructure() throws {
        let code = try QRCode(text: Self.confirmURL)
        let png = code.png(scale: 3, border: 2)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        while offset < png.count {
            let length = Int(png[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let body = Array(png[(offset + 4)..<(offset + 8 + length)])
            let crc = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(Checksums.crc32(body) == crc)
            types.append(String(decoding: body.prefix(4), as: UTF8.self))
            if types.last == "IHDR" {
                let side = UInt32((code.size + 4) * 3)
                let width = body[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let height = body[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                #expect(width == side && height == side)
                #expect(Array(body[12...]) == [1, 0, 0, 0, 0])
            }
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(offset == png.count)
    }

    @Test("scale and border are clamped so untrusted values cannot demand huge images")
    func clamping() throws {
        let code = try QRCode(text: "hi")
        let png = code.png(scale: 1_000, border: 1_000)
        let width = png[16..<20].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(width == UInt32((code.size + 2 * QRCode.maximumBorder) * QRCode.maximumScale))
        #expect(code.svg(scale: 0, border: -3).contains("width=\"21\" height=\"21\" viewBox=\"0 0 21 21\""))
    }

    @Test("the SVG is a standalone document sized by scale and border")
    func svgStructure() throws {
        let code = try QRCode(text: "hi")
        let svg = code.svg(scale: 10, border: 4)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("width=\"290\" height=\"290\" viewBox=\"0 0 29 29\""))
        #expect(svg.contains("M4,4h7v1h-7z"))
        #expect(svg.hasSuffix("</svg>\n"))
    }
}
