import Foundation
import Testing
@testable import WeChatSandbox

/// The random identifiers the sandbox hands out: their shapes, and every character of the alphabet in use.
struct IdentifiersTests {
    @Test func shapes() {
        #expect(Identifiers.code().range(of: "^[A-Za-z0-9]{32}$", options: .regularExpression) != nil)
        #expect(Identifiers.token().range(of: "^[1-9][0-9]_[A-Za-z0-9_-]{107}$", options: .regularExpression) != nil)
        #expect(Identifiers.qrUUID().range(of: "^[A-Za-z0-9]{16}$", options: .regularExpression) != nil)
        #expect(Identifiers.random(0, from: Identifiers.alphanumerics).isEmpty)
    }

    @Test func everyCharacterOfTheAlphabetIsDrawnAndNoOther() {
        var seen: [Character: Int] = [:]
        for _ in 0..<200 { for character in Identifiers.code() { seen[character, default: 0] += 1 } }
        #expect(Set(seen.keys) == Set(Identifiers.alphanumerics), "6,400 draws from 62 characters cover them all")
        #expect(seen.values.allSatisfy { $0 > 40 && $0 < 180 }, "about 103 each: \(seen.values.sorted())")
        #expect(Identifiers.code() != Identifiers.code())
    }
}
