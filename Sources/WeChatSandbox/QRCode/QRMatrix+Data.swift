extension QRMatrix {
    /// Places codeword bits in the two-module-wide zigzag columns, right to left, skipping function modules.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for column in 0..<2 {
                    let x = right - column
                    guard !isFunction[y * size + x] else { continue }
                    if bitIndex < totalBits {
                        self[x, y] = (codewords[bitIndex >> 3] >> UInt8(7 - (bitIndex & 7))) & 1 == 1
                        bitIndex += 1
                    }
                }
            }
            right -= 2
        }
    }

    /// Whether mask pattern `mask` (0…7) inverts the module at column `x`, row `y`.
    static func maskInverts(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        default: ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    /// XORs mask pattern `mask` onto every non-function module (applying it twice undoes it).
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && QRMatrix.maskInverts(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }

    /// Tries all eight masks with their format information, keeps the lowest penalty, returns its number.
    mutating func applyBestMask(errorCorrection: QRCode.ErrorCorrection) -> Int {
        var best = 0
        var bestPenalty = Int.max
        for mask in 0..<8 {
            applyMask(mask)
            drawFormatBits(QRFormatInfo.formatBits(errorCorrection: errorCorrection, mask: mask))
            let score = penalty()
            if score < bestPenalty {
                best = mask
                bestPenalty = score
            }
            applyMask(mask)
        }
        applyMask(best)
        drawFormatBits(QRFormatInfo.formatBits(errorCorrection: errorCorrection, mask: best))
        return best
    }
}
