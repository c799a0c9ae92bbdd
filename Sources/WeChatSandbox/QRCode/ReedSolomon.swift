/// Reed–Solomon error-correction codewords over GF(256) with the QR field polynomial x⁸+x⁴+x³+x²+1.
struct ReedSolomon: Sendable {
    /// Generator polynomial coefficients, highest degree first, leading 1 omitted.
    let generator: [UInt8]

    /// A generator for `degree` error-correction codewords (1…255).
    init(degree: Int) {
        precondition((1...255).contains(degree), "Reed–Solomon degree out of range")
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = ReedSolomon.multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = ReedSolomon.multiply(root, 0x02)
        }
        generator = result
    }

    /// The remainder of `data`·x^degree divided by the generator: the error-correction codewords.
    func remainder(of data: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for index in result.indices {
                result[index] ^= ReedSolomon.multiply(generator[index], factor)
            }
        }
        return result
    }

    /// Product in GF(2⁸) modulo 0x11D (Russian-peasant multiplication).
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var product: UInt16 = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            product ^= UInt16((y >> UInt8(bit)) & 1) * UInt16(x)
        }
        return UInt8(truncatingIfNeeded: product)
    }
}
