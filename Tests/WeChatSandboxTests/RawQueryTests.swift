import Foundation
import Testing
@testable import WeChatSandbox

/// The sandbox's query parsing decodes exactly as Foundation's `removingPercentEncoding` (after `+` → space).
struct RawQueryTests {
    @Test(arguments: [
        "plain", "a+b", "%E4%B8%AD%E6%96%87", "https%3A%2F%2Flogin.example.com%2Fcb%3Fa%3D1", "%zz", "%4", "%",
        "100%", "%C3%28", "%ff%fe", "a%2Bb+c", "", "%41%42%43", "%e4%b8%ad",
    ])
    func decodesAsFoundationDoes(raw: String) {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        #expect(RawQuery.percentDecoded(raw[...]) == spaced.removingPercentEncoding)
        #expect(RawQuery("k=\(raw)")["k"] == (spaced.removingPercentEncoding ?? spaced))
    }
}
