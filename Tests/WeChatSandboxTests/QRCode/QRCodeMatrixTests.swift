@testable import WeChatSandbox
import Testing

@Suite("QR code matrices match an independent encoder module for module")
struct QRCodeMatrixTests {
    @Test("every module equals python-qrcode's symbol with the same version, level and mask",
          arguments: QRReferenceMatrices.cases.indices)
    func matchesSegno(index: Int) throws {
        let reference = QRReferenceMatrices.cases[index]
        let code = try QRCode(text: reference.text, errorCorrection: reference.level)
        #expect(code.version == reference.version)
        #expect(code.mask == reference.mask)
        try #require(code.size == reference.rows.count)
        for y in 0..<code.size {
            #expect(hexRow(code, y: y) == reference.rows[y], "row \(y)")
        }
    }

    /// Row `y` as hexadecimal, leftmost module in the most significant bit, zero-padded like the reference.
    private func hexRow(_ code: QRCode, y: Int) -> String {
        let padding = (4 - code.size % 4) % 4
        let bits = [Bool](repeating: false, count: padding) + (0..<code.size).map { code.isDark(x: $0, y: y) }
        let digits = Array("0123456789abcdef")
        return String(stride(from: 0, to: bits.count, by: 4).map { start in
            digits[bits[start..<(start + 4)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }]
        })
    }
}
