import Crypto
import Testing
import WeChatKit
@testable import LoginServer

@Suite struct OneTimeCodeTests {
    let key = SymmetricKey(size: .bits256)

    @Test func randomCodesAreSixDigits() {
        for _ in 0..<200 {
            let code = OneTimeCode.random()
            #expect(code.digits.count == 6)
            #expect(code.digits.allSatisfy { $0.isNumber })
        }
    }

    @Test func randomCodesVary() {
        let codes = Set((0..<50).map { _ in OneTimeCode.random().digits })
        #expect(codes.count > 40)
    }

    @Test func matchesOnlyItsOwnHashUnderItsOwnChallenge() throws {
        let code = try #require(OneTimeCode(typed: "042917"))
        let hash = code.hash(challengeID: "c1", key: key)
        #expect(!hash.contains("042917"))
        #expect(code.matches(hash: hash, challengeID: "c1", key: key))
        #expect(!code.matches(hash: hash, challengeID: "c2", key: key))
        #expect(!code.matches(hash: hash, challengeID: "c1", key: SymmetricKey(size: .bits256)))
        #expect(try #require(OneTimeCode(typed: "042918")).matches(hash: hash, challengeID: "c1", key: key) == false)
    }

    @Test(arguments: ["", "12345", "1234567", "12a456", "１２３４５６", "12 34 56 7"])
    func refusesMalformedInput(_ typed: String) {
        #expect(OneTimeCode(typed: typed) == nil)
    }

    @Test func acceptsSpacedInput() {
        #expect(OneTimeCode(typed: "123 456")?.digits == "123456")
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "abcd"))
        #expect(!ConstantTime.equals("", "a"))
        #expect(ConstantTime.equals("", ""))
    }
}
