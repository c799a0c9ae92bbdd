import Testing

@testable import WeChatKit

@Suite struct QueryStringTests {
    @Test(arguments: [
        ("http://localhost", "http%3A%2F%2Flocalhost"),
        ("AZaz09-._~", "AZaz09-._~"),
        ("a b+c&d=e/f?g#h", "a%20b%2Bc%26d%3De%2Ff%3Fg%23h"),
        ("中", "%E4%B8%AD"),
        ("", ""),
    ])
    func encodesEverythingButUnreserved(_ input: String, _ expected: String) {
        #expect(QueryString.encode(input) == expected)
    }

    @Test func buildKeepsOrder() {
        #expect(QueryString.build([("b", "1"), ("a", "x y")]) == "b=1&a=x%20y")
    }
}
