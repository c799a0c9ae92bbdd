import Foundation
import Testing
@testable import WeChatSandbox

@Suite("junk input and load")
struct RobustnessTests {
    typealias H = SandboxHarness

    @Test func oversizedQueryValue() async throws {
        try await H.with { h in
            let big = String(repeating: "a", count: 3000)
            expectError(try await h.get("/sns/oauth2/access_token?appid=\(big)&secret=s&code=c&grant_type=authorization_code"),
                        47001, "data format error")
        }
    }

    @Test func oversizedBody() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            let big = "{\"touser\":\"" + String(repeating: "x", count: 70_000) + "\"}"
            let result = try await h.postJSON("/cgi-bin/message/template/send?access_token=\(token)", big)
            #expect(result.status == 200)
            #expect(result.errcode == 47001)
        }
    }

    static let junk = [
        "/sns/oauth2/access_token?%ZZ=%%&appid",
        "/sns/auth?access_token=%E4%B8&openid=%",
        "/sns/userinfo?&&&=&",
        "/cgi-bin/user/info?access_token=\u{00E9}",
        "/connect/oauth2/authorize?%%%",
        "/connect/l/qrconnect?uuid=%00&last=abc",
        "/connect/confirm?uuid=%ff",
    ]

    @Test(arguments: junk)
    func junkQueriesNeverCrash(path: String) async throws {
        try await H.with { h in
            let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.union(CharacterSet(charactersIn: "%"))) ?? path
            let result = try await h.get(encoded, user: "u1")
            #expect(result.status < 500)
        }
    }

    @Test func wrongMethodsOnAPIs() async throws {
        try await H.with { h in
            expectError(try await h.request(.DELETE, "/sns/auth"), 43001, "require GET method")
            expectError(try await h.request(.PUT, "/cgi-bin/stable_token"), 43002, "require POST method")
        }
    }

    @Test func postToAccessTokenRequiresGET() async throws {
        try await H.with { h in
            let code = try await h.code()
            let result = try await h.request(.POST, "/sns/oauth2/access_token",
                body: "appid=\(H.oa)&secret=\(H.oaSecret)&code=\(code)&grant_type=authorization_code",
                contentType: "application/x-www-form-urlencoded")
            expectError(result, 43001, "require GET method")
        }
    }

    @Test func twoHundredConcurrentRequests() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            let results = try await withThrowingTaskGroup(of: Int?.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        index % 2 == 0
                            ? try await h.get("/cgi-bin/user/info?access_token=\(token)&openid=\(h.openID("u1"))").int("subscribe")
                            : try await h.exchange("bogus\(index)").errcode
                    }
                }
                var all: [Int?] = []
                for try await value in group { all.append(value) }
                return all
            }
            #expect(results.count == 200)
            #expect(results.filter { $0 == 1 }.count == 100)
            #expect(results.filter { $0 == 40029 }.count == 100)
            #expect(try await h.get("/sandbox/api/counters").int("/sns/oauth2/access_token") == 100)
        }
    }
}
