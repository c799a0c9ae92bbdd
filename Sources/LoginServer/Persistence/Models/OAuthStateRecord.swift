import Fluent
import Foundation

/// One login attempt's `state`: random, bound to the browser that asked for it, short-lived and single-use.
///
/// The row outlives its use on purpose: WeChat (mostly on Android) calls the callback twice, and people refresh;
/// a repeat of a completed callback from the same browser signs in with the recorded result instead of failing on
/// a second code exchange (40163).
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class OAuthStateRecord: Model, @unchecked Sendable {
    static let schema = "oauth_states"

    /// The state value itself (random letters and digits).
    @ID(custom: "state", generatedBy: .user) var id: String?
    /// SHA-256 of the browser-binding cookie that was set when the login began.
    @Field(key: "browser_binding_hash") var browserBindingHash: String
    @Field(key: "app_id") var appID: String
    /// `officialAccount`, `website` or `websiteInline`.
    @Field(key: "flow") var flow: String
    @Field(key: "scope") var scope: String
    @Field(key: "return_to") var returnTo: String
    @Field(key: "expires_at") var expiresAt: Date
    /// Set atomically by the one callback that exchanges a code; cleared again if that exchange fails.
    @OptionalField(key: "claim_token") var claimToken: String?
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @OptionalField(key: "completed_at") var completedAt: Date?
    /// The identity the completed callback resolved to.
    @OptionalField(key: "identity_id") var identityID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(state: String, browserBindingHash: String, appID: String, flow: String, scope: String, returnTo: String,
         expiresAt: Date) {
        self.id = state
        self.browserBindingHash = browserBindingHash
        self.appID = appID
        self.flow = flow
        self.scope = scope
        self.returnTo = returnTo
        self.expiresAt = expiresAt
    }
}
