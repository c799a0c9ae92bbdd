import Fluent
import Foundation

/// One WeChat identity: an openid under one app, tied (once bound) to a business user.
///
/// `(appID, openID)` is unique; `unionID` is the same for one person across the official account and the website
/// app, which is how a second identity joins the first one's user automatically. User tokens are stored sealed
/// (see `TokenCipher`), never in clear.
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class WeChatIdentity: Model, @unchecked Sendable {
    static let schema = "wechat_identities"

    @ID(key: .id) var id: UUID?
    @Field(key: "app_id") var appID: String
    @Field(key: "openid") var openID: String
    @OptionalField(key: "unionid") var unionID: String?
    /// `officialAccount` or `website`.
    @Field(key: "app_kind") var appKind: String
    @OptionalParent(key: "user_id") var user: User?
    @OptionalField(key: "nickname") var nickname: String?
    @OptionalField(key: "avatar_url") var avatarURL: String?
    /// Granted scopes, comma-separated as WeChat sends them.
    @Field(key: "scopes") var scopes: String
    @Field(key: "is_snapshot_user") var isSnapshotUser: Bool
    @OptionalField(key: "access_token_sealed") var accessTokenSealed: String?
    @OptionalField(key: "access_token_expires_at") var accessTokenExpiresAt: Date?
    @OptionalField(key: "refresh_token_sealed") var refreshTokenSealed: String?
    @OptionalField(key: "refresh_token_expires_at") var refreshTokenExpiresAt: Date?
    /// Set when the refresh token died (42002/40030/42007): the person must authorize again.
    @Field(key: "needs_reauthorization") var needsReauthorization: Bool
    /// Whether the person follows the official account, as the last subscribe/unsubscribe push said; `nil` until
    /// one arrived (website identities never get one).
    @OptionalField(key: "following") var following: Bool?
    @Timestamp(key: "last_login_at", on: .none) var lastLoginAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(appID: String, openID: String, appKind: String) {
        self.appID = appID
        self.openID = openID
        self.appKind = appKind
        self.scopes = ""
        self.isSnapshotUser = false
        self.needsReauthorization = false
    }
}
