import Fluent
import Foundation

/// The official account's ordinary access_token, shared by every instance: the token (sealed), its lifetime,
/// the refresh lease, and the day's fetch count against WeChat's daily quota.
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class ServerAccessTokenRecord: Model, @unchecked Sendable {
    static let schema = "server_access_tokens"

    @ID(custom: "app_id", generatedBy: .user) var id: String?
    @OptionalField(key: "token_sealed") var tokenSealed: String?
    /// SHA-256 of the token, for compare-and-swap without opening the sealed value.
    @OptionalField(key: "token_hash") var tokenHash: String?
    @OptionalField(key: "fetched_at") var fetchedAt: Date?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "lease_holder") var leaseHolder: String?
    @OptionalField(key: "lease_expires_at") var leaseExpiresAt: Date?
    /// The WeChat quota day (Beijing time, `yyyy-MM-dd`) that `fetches` counts.
    @Field(key: "fetch_day") var fetchDay: String
    @Field(key: "fetches") var fetches: Int

    init() {}

    init(appID: String) {
        self.id = appID
        self.fetchDay = ""
        self.fetches = 0
    }
}
