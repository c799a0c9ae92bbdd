import Fluent
import Foundation
import NIOHTTP1
import Testing
@testable import LoginServer

/// The business's own user ids end to end: the admin API's find, upsert and batch; an imported user's first WeChat
/// sign-in binding to them by phone and by email; template messages addressed by external id; the OpenID Connect
/// `external_id` claim.
@Suite(.serialized) struct ExternalIDRoundTripTests {
    static let token = TemplateQueueTests.token
    static let imported = #"{"phone":"+86 138 0013 8000","email":"Imported@Example.com","name":"导入的用户"}"#

    func admin(_ world: LoginWorld, _ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> Browser.Result {
        try await TemplateQueueTests().api(world, method, path, json: json, token: Self.token)
    }

    static func withWorld(_ body: (LoginWorld) async throws -> Void) async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = Self.token }, body)
    }

    /// Imports one user as the business would, and returns our id for them.
    func importUser(_ world: LoginWorld, _ externalID: String = "biz-42") async throws -> String {
        let created = try await admin(world, .PUT, "/api/admin/users/by-external-id/\(externalID)", json: Self.imported)
        #expect(created.status == 201, "\(created.body)")
        return try #require((created.json["user"] as? [String: Any])?["id"] as? String)
    }

    @Test func theAdminAPIFindsCreatesAndUpdatesByExternalID() async throws {
        try await Self.withWorld { world in
            let created = try await admin(world, .PUT, "/api/admin/users/by-external-id/biz-42", json: Self.imported)
            #expect(created.status == 201)
            #expect(created.json["result"] as? String == "created")
            let user = try #require(created.json["user"] as? [String: Any])
            #expect(user["externalID"] as? String == "biz-42" && user["phone"] as? String == "13800138000")
            #expect(user["email"] as? String == "imported@example.com" && user["displayName"] as? String == "导入的用户")
            let userID = try #require(user["id"] as? String)

            let again = try await admin(world, .PUT, "/api/admin/users/by-external-id/biz-42", json: Self.imported)
            #expect(again.status == 200 && again.json["result"] as? String == "unchanged")
            let renamed = try await admin(world, .PUT, "/api/admin/users/by-external-id/biz-42", json: #"{"name":"改名"}"#)
            #expect(renamed.status == 200 && renamed.json["result"] as? String == "updated")
            #expect((renamed.json["user"] as? [String: Any])?["phone"] as? String == "13800138000", "absent fields kept")
            #expect(try await world.count(User.self) == 1)

            for path in ["/api/admin/users/by-external-id/biz-42", "/api/admin/users?external_id=biz-42",
                         "/api/admin/users/\(userID)"] {
                let found = try await admin(world, .GET, path)
                #expect(found.status == 200, "\(path)")
                #expect((found.json["user"] as? [String: Any])?["externalID"] as? String == "biz-42", "\(path)")
            }
            #expect(try await admin(world, .GET, "/api/admin/users/by-external-id/biz-43").status == 404)
            #expect(try await admin(world, .GET, "/api/admin/users?external_id=biz-43").status == 404)

            // An id with a slash travels percent-encoded; one with white space at an end is refused, not trimmed.
            let slashed = try await admin(world, .PUT, "/api/admin/users/by-external-id/org%2F7", json: #"{"email":"o7@example.com"}"#)
            #expect(slashed.status == 201 && (slashed.json["user"] as? [String: Any])?["externalID"] as? String == "org/7")
            let padded = try await admin(world, .PUT, "/api/admin/users/by-external-id/%20biz-42", json: "{}")
            #expect(padded.status == 400 && padded.json["error"] as? Bool == true)

            let taken = try await admin(world, .PUT, "/api/admin/users/by-external-id/biz-44", json: #"{"phone":"13800138000"}"#)
            #expect(taken.status == 409 && taken.json["reason"] as? String == "Phone belongs to a user with another external id.")
            let invalid = try await admin(world, .PUT, "/api/admin/users/by-external-id/biz-44", json: #"{"phone":"+1 415 555 0100"}"#)
            #expect(invalid.status == 422 && (invalid.json["reason"] as? String)?.hasPrefix("phone") == true)
            #expect(try await admin(world, .GET, "/api/admin/users/by-external-id/biz-44").status == 404, "nothing half-written")
            #expect(try await world.count(User.self) == 2)
        }
    }

    /// A user the admin API creates is a `user.created` event of the admin, written with the user; an update or a
    /// repeat writes none (there is no `user.updated` event type).
    @Test func aUserCreatedByExternalIDIsAnEvent() async throws {
        try await Self.withWorld { world in
            let userID = try await importUser(world)
            _ = try await admin(world, .PUT, "/api/admin/users/by-external-id/biz-42", json: Self.imported)
            _ = try await admin(world, .PUT, "/api/admin/users/by-external-id/biz-42", json: #"{"name":"改名"}"#)
            let batch = try await admin(world, .POST, "/api/admin/users/batch",
                                        json: #"{"users":[{"externalID":"biz-43"},{"externalID":"biz-42"}]}"#)
            #expect(batch.status == 200)
            let events = try await EventLog(database: world.server.db).newestFirst(.init()).reversed()
            #expect(events.map(\.type) == ["user.created", "user.created"])
            #expect(events.first?.userID?.uuidString.lowercased() == userID.lowercased())
            #expect(events.allSatisfy { $0.actorKind == "admin" && $0.payload == #"{"via":"admin"}"# })
        }
    }

    @Test func theBatchAnswersEachItem() async throws {
        try await Self.withWorld { world in
            _ = try await importUser(world)
            let batch = #"""
                {"users":[{"externalID":"b1","phone":"13900139001","email":"b1@example.com","name":"一"},
                          {"externalID":"biz-42","name":"改名"},
                          {"externalID":"biz-42","name":"again"},
                          {"externalID":"b2","phone":"13800138000"},
                          {"externalID":"b3","phone":"12"},
                          {"externalID":"b4"},
                          {"externalID":"b4"}]}
                """#
            let answer = try await admin(world, .POST, "/api/admin/users/batch", json: batch)
            #expect(answer.status == 200, "\(answer.body)")
            let results = try #require(answer.json["results"] as? [[String: Any]])
            #expect(results.map { $0["result"] as? String } == ["created", "updated", "rejected", "rejected", "rejected",
                                                                "created", "rejected"])
            #expect(results.map { $0["index"] as? Int } == Array(0..<7))
            #expect(results[3]["reason"] as? String == "phone belongs to a user with another external id")
            #expect((results[4]["reason"] as? String)?.hasPrefix("phone must be") == true)
            #expect(results[0]["userID"] is String && results[3]["userID"] == nil)
            #expect(answer.json["created"] as? Int == 2 && answer.json["updated"] as? Int == 1
                    && answer.json["unchanged"] as? Int == 0 && answer.json["rejected"] as? Int == 4)

            let same = try await admin(world, .POST, "/api/admin/users/batch", json: batch)
            let sameResults = try #require(same.json["results"] as? [[String: Any]])
            #expect(sameResults.map { $0["result"] as? String } == ["unchanged", "unchanged", "rejected", "rejected",
                                                                    "rejected", "unchanged", "rejected"])
            #expect(sameResults.map { $0["userID"] as? String } == results.map { $0["userID"] as? String })
            #expect(try await world.count(User.self) == 3)

            let allRejected = try await admin(world, .POST, "/api/admin/users/batch", json: #"{"users":[{"externalID":" x"}]}"#)
            #expect(allRejected.status == 422 && allRejected.json["rejected"] as? Int == 1)
            #expect(try await admin(world, .POST, "/api/admin/users/batch", json: #"{"users":[]}"#).status == 422)
            let tooMany = "{\"users\":[" + (0...1000).map { "{\"externalID\":\"t\($0)\"}" }.joined(separator: ",") + "]}"
            #expect(try await admin(world, .POST, "/api/admin/users/batch", json: tooMany).status == 422)
            #expect(try await world.count(User.self) == 3)
        }
    }

    @Test(arguments: ["138 0013 8000", "imported@EXAMPLE.com"])
    func anImportedUsersFirstWeChatSignInBindsToThem(_ contact: String) async throws {
        try await Self.withWorld { world in
            let userID = try await importUser(world)
            let browser = world.browser()
            let callback = try await browser.pcLogin(as: "u1")
            #expect(callback.location == "/bind")
            let bound = try await browser.bind(contact: contact)
            #expect(bound.status == 303 || bound.status == 302, "\(bound.body.prefix(300))")
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            #expect(identity.$user.id?.uuidString == userID.uppercased())
            #expect(try await world.count(User.self) == 1, "no second account")
            let me = try await browser.get("\(LoginWorld.serverBase)/api/me")
            #expect((me.json["user"] as? [String: Any])?["externalID"] as? String == "biz-42")
        }
    }

    @Test func templateMessagesMayBeAddressedByExternalID() async throws {
        try await Self.withWorld { world in
            let userID = try await importUser(world)
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await phone.weChatLogin(as: "u1")
            _ = try await phone.bind(contact: "13800138000")

            let queued = try await admin(world, .POST, "/api/template-messages",
                                         json: TemplateQueueTests.messageJSON(recipient: #""external_id":"biz-42""#))
            #expect(queued.status == 202, "\(queued.body)")
            #expect((queued.json["user_id"] as? String)?.lowercased() == userID.lowercased())
            #expect(queued.json["openid"] as? String == world.sandbox.openID(userID: "u1", appID: world.officialAccountID))

            let unknown = try await admin(world, .POST, "/api/template-messages",
                                          json: TemplateQueueTests.messageJSON(recipient: #""external_id":"nobody""#))
            #expect(unknown.status == 404 && unknown.json["reason"] as? String == "No user has this external_id.")
            let both = try await admin(world, .POST, "/api/template-messages",
                                       json: TemplateQueueTests.messageJSON(recipient: #""external_id":"biz-42","openid":"o1""#))
            #expect(both.status == 422)
            let batch = #"{"recipients":[{"external_id":"biz-42"},{"external_id":"nobody"}],"template_id":"t1","data":{"first":{"value":"hi"}}}"#
            let answer = try await admin(world, .POST, "/api/template-messages/batch", json: batch)
            #expect(answer.status == 202)
            #expect((answer.json["accepted"] as? [[String: Any]])?.map { $0["index"] as? Int } == [0])
            #expect((answer.json["rejected"] as? [[String: Any]])?.first?["reason"] as? String == "No user has this external_id.")
        }
    }

    @Test func theProviderReleasesTheExternalIDWithItsScope() async throws {
        try await Self.withWorld { world in
            _ = try await importUser(world)
            let client = try await TestRelyingParty.register(world, scopes: ["openid", "profile", "external_id"])
            let browser = world.browser()
            let url = client.authorizeURL(scope: "openid external_id")
            let answer = try client.answer(try await browser.firstSignIn(client, as: "u1", contact: "13800138000", url: url))
            let tokens = try await client.redeem(world, code: try #require(answer["code"]))
            #expect(tokens.status == 200, "\(tokens.body)")
            let idToken = try #require(tokens.json["id_token"] as? String)
            let claims = try await world.services.signingKeys.verify(idToken).claims(as: IDTokenClaims.self)
            #expect(claims.external_id == "biz-42")
            let info = try await TestRelyingParty.userInfo(world, token: try #require(tokens.json["access_token"] as? String))
            #expect(info.json["external_id"] as? String == "biz-42")

            // Without the scope, neither the ID token nor userinfo carries it.
            let plain = try client.answer(try await browser.get(client.authorizeURL(scope: "openid profile")))
            let plainTokens = try await client.redeem(world, code: try #require(plain["code"]))
            let plainClaims = try await world.services.signingKeys
                .verify(try #require(plainTokens.json["id_token"] as? String)).claims(as: IDTokenClaims.self)
            #expect(plainClaims.external_id == nil)
            let plainInfo = try await TestRelyingParty.userInfo(world, token: try #require(plainTokens.json["access_token"] as? String))
            #expect(plainInfo.status == 200 && plainInfo.json["external_id"] == nil)
            let discovery = try await browser.get("\(LoginWorld.serverBase)/.well-known/openid-configuration")
            #expect((discovery.json["scopes_supported"] as? [String])?.contains("external_id") == true)
            #expect((discovery.json["claims_supported"] as? [String])?.contains("external_id") == true)
        }
    }

    @Test func aRefreshedIDTokenCarriesItWhileTheScopeDoes() async throws {
        try await Self.withWorld { world in
            _ = try await importUser(world)
            let client = try await TestRelyingParty.register(
                world, scopes: ["openid", "external_id", "offline_access"], grantTypes: [.authorizationCode, .refreshToken])
            let url = client.authorizeURL(scope: "openid external_id offline_access")
            let answer = try client.answer(try await world.browser().firstSignIn(client, as: "u1", contact: "imported@example.com", url: url))
            let tokens = try await client.redeem(world, code: try #require(answer["code"]))
            let refresh = try #require(tokens.json["refresh_token"] as? String)
            let refreshed = try await client.refresh(world, token: refresh)
            #expect(refreshed.status == 200, "\(refreshed.body)")
            let claims = try await world.services.signingKeys
                .verify(try #require(refreshed.json["id_token"] as? String)).claims(as: IDTokenClaims.self)
            #expect(claims.external_id == "biz-42")
            let narrowed = try await client.refresh(world, token: try #require(refreshed.json["refresh_token"] as? String),
                                                    scope: "openid")
            let narrowClaims = try await world.services.signingKeys
                .verify(try #require(narrowed.json["id_token"] as? String)).claims(as: IDTokenClaims.self)
            #expect(narrowed.status == 200 && narrowClaims.external_id == nil)
        }
    }

    @Test func aUserKnownByOurIDGetsTheBusinesssID() async throws {
        try await Self.withWorld { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "signed-up@example.com")
            let userID = try #require(try await User.query(on: world.server.db).first()?.id)
            let imported = try await importUser(world)

            let set = try await admin(world, .PATCH, "/api/admin/users/\(userID)", json: #"{"externalID":"biz-7","phone":"13900139007"}"#)
            #expect(set.status == 200 && set.json["result"] as? String == "updated", "\(set.body)")
            let found = try await admin(world, .GET, "/api/admin/users/by-external-id/biz-7")
            #expect((found.json["user"] as? [String: Any])?["id"] as? String == userID.uuidString)
            #expect((found.json["user"] as? [String: Any])?["email"] as? String == "signed-up@example.com")
            let again = try await admin(world, .PATCH, "/api/admin/users/\(userID)", json: #"{"externalID":"biz-7"}"#)
            #expect(again.status == 200 && again.json["result"] as? String == "unchanged")

            let taken = try await admin(world, .PATCH, "/api/admin/users/\(imported)", json: #"{"externalID":"biz-7"}"#)
            #expect(taken.status == 409 && taken.json["reason"] as? String == "External id belongs to another user.")
            let phoneTaken = try await admin(world, .PATCH, "/api/admin/users/\(imported)", json: #"{"phone":"139 0013 9007"}"#)
            #expect(phoneTaken.status == 409)
            #expect(try await admin(world, .PATCH, "/api/admin/users/\(imported)", json: #"{"externalID":" biz"}"#).status == 422)
            #expect(try await admin(world, .PATCH, "/api/admin/users/\(UUID())", json: #"{"name":"x"}"#).status == 404)
            #expect(try await admin(world, .PATCH, "/api/admin/users/not-a-uuid", json: #"{"name":"x"}"#).status == 404)
            let importedNow = try await admin(world, .GET, "/api/admin/users/by-external-id/biz-42")
            #expect((importedNow.json["user"] as? [String: Any])?["phone"] as? String == "13800138000", "nothing half-written")
        }
    }
}
