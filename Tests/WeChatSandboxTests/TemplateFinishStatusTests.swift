import Foundation
import Testing
@testable import WeChatSandbox

@Suite("TEMPLATESENDJOBFINISH status strings")
struct TemplateFinishStatusTests {
    typealias H = SandboxHarness

    /// The recorded pushes of the control API, as JSON objects.
    func pushes(_ h: H) async throws -> [[String: Any]] {
        let body = try await h.get("/sandbox/api/pushes").body
        return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
    }

    @Test func successUserBlockAndSystemFailedAreExact() async throws {
        try await H.with { h in
            #expect(try await h.postJSON("/sandbox/api/users/u3/follow", #"{"appid":"\#(H.oa)"}"#).status == 200)
            let flags = try await h.postJSON("/sandbox/api/users/u3/flags", #"{"appid":"\#(H.oa)","systemFails":true}"#)
            #expect(flags.status == 200)
            let token = try await h.serverToken()
            for user in ["u1", "u2", "u3"] {
                #expect(try await h.sendTemplate(token: token, H.templateBody(to: h.openID(user))).errcode == 0)
            }
            let finished = try await pushes(h).filter { $0["event"] as? String == "TEMPLATESENDJOBFINISH" }
            #expect(finished.map { $0["status"] as? String } == ["success", "failed:user block", "failed: system failed"])
            #expect(finished.map { $0["openid"] as? String } == ["u1", "u2", "u3"].map { h.openID($0) })
            #expect(try await h.get("/sandbox/api/users/u3/messages").body == "[]")
            // Clearing the fault restores delivery.
            _ = try await h.postJSON("/sandbox/api/users/u3/flags", #"{"appid":"\#(H.oa)","systemFails":false}"#)
            #expect(try await h.sendTemplate(token: token, H.templateBody(to: h.openID("u3"))).errcode == 0)
            #expect(try await pushes(h).last?["status"] as? String == "success")
            #expect(try await h.get("/sandbox/api/users/u3/messages").body.contains("订单号：A123"))
        }
    }

    @Test func worldFileSeedsTheSystemFailure() async throws {
        let json = #"{"id":"u9","nickname":"赵六","follows":["\#(H.oa)"],"systemFailsFrom":["\#(H.oa)"]}"#
        let user = try JSONDecoder().decode(SandboxConfiguration.User.self, from: Data(json.utf8))
        #expect(user.systemFailsFrom == [H.oa])
        #expect(SandboxConfiguration().users.allSatisfy { $0.systemFailsFrom.isEmpty })
        try await H.with({ $0.users.append(user) }) { h in
            let token = try await h.serverToken()
            #expect(try await h.sendTemplate(token: token, H.templateBody(to: h.openID("u9"))).errcode == 0)
            #expect(try await pushes(h).last?["status"] as? String == "failed: system failed")
        }
    }

    @Test func systemFailedReachesTheServerInThePushXML() async throws {
        let received = ReceivedPushes()
        try await H.with(routes: PushDeliveryTests.developerServer(received, answer: "success")) { h in
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.test)", body: #"{"serverURL":"\#(h.base)/devserver"}"#,
                                    contentType: "application/json")
            _ = try await h.postJSON("/sandbox/api/users/u1/flags", #"{"appid":"\#(H.test)","systemFails":true}"#)
            let token = try await h.serverToken(appID: H.test, secret: H.testSecret)
            let sent = try await h.sendTemplate(token: token, H.templateBody(to: h.openID("u1", H.test)))
            #expect(sent.errcode == 0)
            var bodies: [String] = []
            for _ in 0..<200 {
                bodies = await received.all.map(\.body)
                if !bodies.isEmpty { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(bodies.count == 1)
            #expect(bodies.first?.contains("<Status><![CDATA[failed: system failed]]></Status>") == true)
        }
    }
}
