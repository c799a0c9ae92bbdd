/// A QR code symbol (ISO/IEC 18004) encoding UTF-8 text in byte mode.
///
/// The smallest version (1…40) that holds the text at the requested error-correction level is chosen,
/// and of the eight masks the one with the lowest standard penalty score is applied.
struct QRCode: Sendable {
    /// The error-correction level: about 7 %, 15 %, 25 % or 30 % of the codewords can be restored.
    enum ErrorCorrection: Sendable, CaseIterable {
        case low, medium, quartile, high
    }

    /// The symbol version, 1…40.
    let version: Int
    /// Modules per side: `17 + 4 * version`.
    let size: Int
    /// The error-correction level the symbol was built with.
    let errorCorrection: ErrorCorrection
    /// The mask pattern (0…7) that was applied.
    let mask: Int
    /// Row-major module colours, `true` for dark.
    private let modules: [Bool]

    /// Encodes `text` (UTF-8, byte mode); throws `QRCodeError.tooLong` when even version 40 cannot hold it.
    init(text: String, errorCorrection: ErrorCorrection = .medium) throws {
        let bytes = Array(text.utf8)
        guard let version = QRCode.smallestVersion(forByteCount: bytes.count, errorCorrection: errorCorrection) else {
            throw QRCodeError.tooLong
        }
        let codewords = QRCode.codewords(for: bytes, version: version, errorCorrection: errorCorrection)
        var matrix = QRMatrix(version: version)
        matrix.drawFunctionPatterns(errorCorrection: errorCorrection)
        matrix.drawCodewords(codewords)
        let mask = matrix.applyBestMask(errorCorrection: errorCorrection)
        self.version = version
        self.size = matrix.size
        self.errorCorrection = errorCorrection
        self.mask = mask
        self.modules = matrix.modules
    }

    /// Whether the module at column `x`, row `y` is dark; coordinates outside the symbol are light.
    func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }
}
