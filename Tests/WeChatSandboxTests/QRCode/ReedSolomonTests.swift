@testable import WeChatSandbox
import Testing

@Suite("Reed–Solomon over GF(256)")
struct ReedSolomonTests {
    @Test("HELLO WORLD 1-M: the ten EC codewords of the standard tutorial example")
    func helloWorldVersion1M() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = ReedSolomon(degree: 10).remainder(of: data)
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("ISO/IEC 18004 annex I example, 01234567 1-M")
    func annexIExample() {
        let data: [UInt8] = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
        let ecc = ReedSolomon(degree: 10).remainder(of: data)
        #expect(ecc == [165, 36, 212, 193, 237, 54, 199, 135, 44, 85])
    }

    @Test("generator polynomial of degree 7 (α exponents 87, 229, 146, 149, 238, 102, 21)")
    func generatorDegree7() {
        #expect(ReedSolomon(degree: 7).generator == [127, 122, 154, 164, 11, 68, 117])
    }

    @Test("GF(256) multiplication reduces by 0x11D")
    func fieldMultiply() {
        #expect(ReedSolomon.multiply(0x80, 0x02) == 0x1D)
        #expect(ReedSolomon.multiply(0x53, 0xCA) == 0x8F)
        #expect(ReedSolomon.multiply(0, 0xFF) == 0)
        #expect(ReedSolomon.multiply(1, 0xAB) == 0xAB)
        for value in UInt8.min...UInt8.max {
            #expect(ReedSolomon.multiply(value, 3) == ReedSolomon.multiply(value, 2) ^ value)
        }
    }
}
