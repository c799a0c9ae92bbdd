@testable import WeChatSandbox
import Foundation
import Testing

/// The decisive tests: an independent decoder (ZBar) must read back exactly what was encoded.
@Suite("QR codes decode with zbarimg")
struct QRCodeDecodeTests {
    static let payloads: [String] = [
        "hi",
        "http://127.0.0.1:8081/connect/confirm?uuid=0a1B2c3D4e5F6g7H",
        String(repeating: "0123456789abcdefghijklmnopqrstuvwxyz", count: 5).prefix(150).description,
        "http://127.0.0.1:8081/connect/confirm?uuid=" + String(repeating: "aZ09-_~.", count: 33).prefix(257),
        "微信登录：请在手机上确认。扫码后点击“允许”即可登录网站。",
    ]

    @Test("PNG round trip through zbarimg", arguments: QRCodeDecodeTests.payloads, QRCode.ErrorCorrection.allCases)
    func pngRoundTrip(text: String, level: QRCode.ErrorCorrection) throws {
        let code = try QRCode(text: text, errorCorrection: level)
        #expect(try decodePNG(code.png()) == text)
    }

    @Test("payload lengths are what the brief asks for")
    func payloadLengths() {
        #expect(Self.payloads[2].utf8.count == 150)
        #expect(Self.payloads[3].utf8.count == 300)
    }

    @Test("a version 40 symbol (2,331 bytes at level M) decodes")
    func version40() throws {
        let payload = String(String(repeating: "WeChat sandbox 0123456789 ", count: 100).prefix(2_331))
        let code = try QRCode(text: payload)
        #expect(code.version == 40)
        #expect(try decodePNG(code.png(scale: 4)) == payload)
    }

    @Test("SVG rendered by rsvg-convert decodes with zbarimg", arguments: [QRCode.ErrorCorrection.medium, .high])
    func svgRoundTrip(level: QRCode.ErrorCorrection) throws {
        let converter = try #require(
            ExternalTool.path("rsvg-convert"), Comment(rawValue: ExternalTool.missingMessage("rsvg-convert", package: "librsvg2-bin")))
        let text = Self.payloads[1]
        let svgFile = ExternalTool.temporaryFile(extension: "svg")
        let pngFile = ExternalTool.temporaryFile(extension: "png")
        defer {
            try? FileManager.default.removeItem(at: svgFile)
            try? FileManager.default.removeItem(at: pngFile)
        }
        try Data(QRCode(text: text, errorCorrection: level).svg().utf8).write(to: svgFile)
        let result = try ExternalTool.run(converter, ["-b", "white", "-o", pngFile.path, svgFile.path])
        try #require(result.status == 0)
        #expect(try decodeFile(pngFile) == text)
    }

    private func decodePNG(_ png: [UInt8]) throws -> String? {
        let file = ExternalTool.temporaryFile(extension: "png")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(png).write(to: file)
        return try decodeFile(file)
    }

    /// The text zbarimg reads from `file`, or nil when it finds no symbol.
    private func decodeFile(_ file: URL) throws -> String? {
        let zbarimg = try #require(
            ExternalTool.path("zbarimg"), Comment(rawValue: ExternalTool.missingMessage("zbarimg", package: "zbar-tools")))
        let result = try ExternalTool.run(zbarimg, ["--raw", "-q", file.path])
        guard result.status == 0 else { return nil }
        return result.output.hasSuffix("\n") ? String(result.output.dropLast()) : result.output
    }
}
