import Fluent
import Foundation
import Testing
import Vapor
@testable import LoginServer

/// `TemplateRecipients`: a batch's user ids, external ids and openids resolved together, each entry answering as a
/// single request would (the same recipient, or the same status and reason).
@Suite("template message recipients")
struct TemplateRecipientsTests {
    static let appID = "wx-oa"

    @discardableResult
    static func user(_ world: LoginWorld, externalID: String? = nil) async throws -> UUID {
        let user = User()
        user.externalID = externalID
        try await user.create(on: world.server.db)
        return try user.requireID()
    }

    static func identity(_ world: LoginWorld, _ openID: String, appID: String = appID, user: UUID?) async throws {
        let identity = WeChatIdentity(appID: appID, openID: openID, appKind: "official_account")
        identity.$user.id = user
        try await identity.create(on: world.server.db)
    }

    @Test func everyKindOfEntryAnswersAsASingleRequestWould() async throws {
        try await LoginWorld.with { world in
            // Two external ids that Swift's String == calls equal, but the database (and the business) keeps apart.
            let composed = try await Self.user(world, externalID: "caf\u{E9}")
            let decomposed = try await Self.user(world, externalID: "cafe\u{301}")
            let websiteOnly = try await Self.user(world, externalID: "web-only")
            try await Self.identity(world, "oa-composed", user: composed)
            try await Self.identity(world, "oa-decomposed", user: decomposed)
            try await Self.identity(world, "web-decomposed", appID: "wx-website", user: decomposed)
            try await Self.identity(world, "web-only", appID: "wx-website", user: websiteOnly)
            try await Self.identity(world, "oa-unbound", user: nil)
            let stranger = UUID()

            let entries: [(userID: UUID?, openID: String?, externalID: String?)] = [
                (nil, "oa-composed", nil), (nil, "oa-unbound", nil), (nil, "o-never-seen", nil),
                (composed, nil, nil), (decomposed, nil, nil), (websiteOnly, nil, nil), (stranger, nil, nil),
                (nil, nil, "caf\u{E9}"), (nil, nil, "cafe\u{301}"), (nil, nil, "web-only"), (nil, nil, "nobody"),
                (nil, nil, " padded"), (composed, "oa-composed", nil), (nil, nil, nil), (nil, "bad id!", nil),
                (nil, "oa-composed", nil),
            ]
            let resolver = TemplateRecipients(appID: Self.appID, database: world.server.db)
            let answers = try await resolver.resolve(entries)
            typealias R = TemplateRecipients.Recipient
            func refused(_ status: HTTPResponseStatus, _ reason: String) -> Result<R, TemplateRecipients.Refusal> {
                .failure(.init(status: status, reason: reason))
            }
            let noOpenID = "This user has no identity on the official account (they never signed in inside WeChat), so there is no openid to send to."
            let exactlyOne = "Give exactly one of user_id, external_id or openid."
            let expected: [Result<R, TemplateRecipients.Refusal>] = [
                .success(R(openID: "oa-composed", userID: composed)), .success(R(openID: "oa-unbound", userID: nil)),
                .success(R(openID: "o-never-seen", userID: nil)),
                .success(R(openID: "oa-composed", userID: composed)), .success(R(openID: "oa-decomposed", userID: decomposed)),
                refused(.unprocessableEntity, noOpenID),
                refused(.notFound, "No user \(stranger.uuidString.lowercased())."),
                .success(R(openID: "oa-composed", userID: composed)), .success(R(openID: "oa-decomposed", userID: decomposed)),
                refused(.unprocessableEntity, noOpenID), refused(.notFound, "No user has this external_id."),
                refused(.unprocessableEntity, "external_id is not a valid external id."),
                refused(.unprocessableEntity, exactlyOne), refused(.unprocessableEntity, exactlyOne),
                refused(.unprocessableEntity, "openid must be 1–64 letters, digits, - or _."),
                .success(R(openID: "oa-composed", userID: composed)),
            ]
            #expect(answers.count == expected.count)
            for (index, (answer, want)) in zip(answers, expected).enumerated() {
                #expect(answer == want, "entry \(index)")
            }

            // One entry at a time, through the single path, gives the same answers.
            for (index, entry) in entries.enumerated() {
                let single: Result<R, TemplateRecipients.Refusal>
                do {
                    single = .success(try await resolver.resolve(userID: entry.userID, openID: entry.openID,
                                                                 externalID: entry.externalID))
                } catch let abort as Abort {
                    single = .failure(.init(status: abort.status, reason: abort.reason))
                }
                #expect(single == expected[index], "entry \(index) alone")
            }
        }
    }

    @Test func aBatchLargerThanOneLookupFindsEveryoneInEveryChunk() async throws {
        try await LoginWorld.with { world in
            let count = TemplateRecipients.lookupChunk * 2 + 100
            var users: [Int: UUID] = [:]
            for index in [0, TemplateRecipients.lookupChunk - 1, TemplateRecipients.lookupChunk, count - 1] {
                let id = try await Self.user(world, externalID: "ext-\(index)")
                try await Self.identity(world, "o-\(index)", user: id)
                users[index] = id
            }
            let resolver = TemplateRecipients(appID: Self.appID, database: world.server.db)
            let byOpenID = try await resolver.resolve((0..<count).map { (nil, "o-\($0)", nil) })
            let byExternalID = try await resolver.resolve((0..<count).map { (nil, nil, "ext-\($0)") })
            for index in 0..<count {
                let expected = users[index].map { TemplateRecipients.Recipient(openID: "o-\(index)", userID: $0) }
                #expect(try byOpenID[index].get() == (expected ?? .init(openID: "o-\(index)", userID: nil)))
                switch byExternalID[index] {
                case .success(let recipient): #expect(recipient == expected, "ext-\(index)")
                case .failure(let refusal): #expect(expected == nil && refusal.status == .notFound, "ext-\(index)")
                }
            }
        }
    }
}
