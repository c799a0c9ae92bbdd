import Foundation
import Testing

@testable import WeChatKit

@Suite struct OAuthStateTests {
    @Test(arguments: ["a", "GOD", "123", String(repeating: "Z", count: 128), "abcXYZ019"])
    func acceptsLettersAndDigits(_ value: String) throws {
        #expect(OAuthState(rawValue: value)?.rawValue == value)
        #expect(try OAuthState(validating: value).rawValue == value)
    }

    @Test(arguments: ["", String(repeating: "a", count: 129), "a-b", "a_b", "a b", "a#b", "é", "中文", "a%20"])
    func rejectsEverythingElse(_ value: String) {
        #expect(OAuthState(rawValue: value) == nil)
        #expect(throws: WeChatError.invalidArgument) { try OAuthState(validating: value) }
    }

    @Test func randomStatesAreValidAndDistinct() {
        let states = (0..<200).map { _ in OAuthState.random() }
        #expect(states.allSatisfy { $0.rawValue.utf8.count == 32 && OAuthState(rawValue: $0.rawValue) != nil })
        #expect(Set(states).count == states.count)
        #expect(OAuthState.random(length: 500).rawValue.count == 128)
        #expect(OAuthState.random(length: 0).rawValue.count == 1)
    }

    @Test func randomStatesUseTheWholeAlphabet() {
        let characters = Set((0..<100).flatMap { _ in OAuthState.random(length: 128).rawValue })
        #expect(characters.count == 62)
    }

    /// Yields the given words in turn, and counts the draws.
    struct ScriptedGenerator: RandomNumberGenerator {
        var words: [UInt64]
        var draws = 0
        mutating func next() -> UInt64 {
            defer { draws += 1 }
            return words[draws % words.count]
        }
    }

    @Test func bytesThatWouldBiasTheDrawAreSkipped() {
        // Low byte first: 0x00 is "A", seven 0xFF bytes are skipped, then 61 is "9" and 0xF7 (247, the last kept
        // byte) is 247 % 62 = 61, "9" again.
        var generator = ScriptedGenerator(words: [0xFFFF_FFFF_FFFF_FF00, 0x0000_0000_0000_F73D])
        #expect(OAuthState.random(length: 3, using: &generator).rawValue == "A99")
        #expect(generator.draws == 2)
    }

    @Test func eightCharactersComeFromEachDraw() {
        var generator = ScriptedGenerator(words: [0x0706_0504_0302_0100])
        #expect(OAuthState.random(length: 32, using: &generator).rawValue == String(repeating: "ABCDEFGH", count: 4))
        #expect(generator.draws == 4)
    }

    @Test func decodingValidates() throws {
        let decoded = try JSONDecoder().decode([OAuthState].self, from: Data(#"["abc1"]"#.utf8))
        #expect(decoded == [try OAuthState(validating: "abc1")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([OAuthState].self, from: Data(#"["a-b"]"#.utf8)) }
        let encoded = try JSONEncoder().encode(decoded)
        #expect(String(decoding: encoded, as: UTF8.self) == #"["abc1"]"#)
    }
}
