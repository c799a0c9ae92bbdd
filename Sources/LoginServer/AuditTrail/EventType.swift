/// Every kind of event the server writes to `events`, with the fields of its payload: the one place they are
/// named. Webhook deliveries and the audit trail (`GET /api/admin/events`) show these names and fields as they are.
///
/// Payloads carry ids, appids, openids and client ids only: never a token, a code, a secret, a phone number or an
/// email address (the user's row holds those; a consumer that needs them asks the admin API with the user id, so a
/// log of events or a webhook receiver does not become a second copy of people's contact details).
enum EventType: String, Sendable, CaseIterable, Codable {
    /// A user was registered: binding found no account with the address (payload: `identity_id`, `appid`, `via`
    /// `binding`), or the business created them by external id (payload: `via` `admin` for the admin API, `import`
    /// for `wechat-login import`).
    case userCreated = "user.created"
    /// A WeChat identity was linked to a user. Payload: `identity_id`, `appid`, `openid`, `unionid`, `via`
    /// (`binding`: a one-time code; `unionid`: the same person's identity of another app, at sign-in or while
    /// binding that other identity).
    case identityBound = "identity.bound"
    /// A WeChat identity was unlinked from its user by the person. Payload: `identity_id`, `appid`, `openid`.
    /// (Provider tokens it revoked follow as `oidc.tokens_revoked`, reason `identity_unbound`.)
    case identityUnbound = "identity.unbound"
    /// A person signed in. Payload: `identity_id`, `appid`, `openid`, `flow` (`in_wechat_base`,
    /// `in_wechat_userinfo`, `pc_qr`, `pc_qr_inline`, `official_account_qr`; absent when the sign-in ended a binding),
    /// `via` (`callback`, `follow` or `binding`),
    /// `client_id` (the OpenID Connect client the sign-in was for, when it resumes an `/oauth/authorize` request).
    case signInSucceeded = "signin.succeeded"
    /// Wrong one-time codes reached a limit: the wrong code that used a challenge's last attempt (`limit`:
    /// `attempts`), or the one that filled a failure cap per address or account (`limit`: the cap,
    /// `fail.address.hour`, `fail.address.day`, `fail.account.hour`, `fail.account.day`); later refusals write
    /// nothing more. `user_id` is the account that has the address, if any. Payload: `identity_id`, `challenge_id`,
    /// `limit`.
    case bindingCodeLimitReached = "binding.code_limit_reached"
    /// The person followed the official account (WeChat's `subscribe` push). Payload: `appid`, `openid`.
    case officialAccountFollowed = "official_account.followed"
    /// The person unfollowed the official account (`unsubscribe`). Payload: `appid`, `openid`.
    case officialAccountUnfollowed = "official_account.unfollowed"
    /// WeChat reported a template message delivered (`TEMPLATESENDJOBFINISH`, `success`). Payload: `message_id`,
    /// `appid`, `openid`, `msgid`, `status`.
    case templateMessageDelivered = "template_message.delivered"
    /// A template message ended undelivered: the worker gave up (`errcode`, `reason`) or WeChat reported a failure
    /// (`status`: `failed:user block`, `failed:system failed`). Payload: `message_id`, `appid`, `openid`, `msgid`,
    /// `status`, `errcode`.
    case templateMessageFailed = "template_message.failed"
    /// The provider issued tokens. Payload: `client_id`, `grant_id`, `grant` (`authorization_code` or
    /// `refresh_token`), `scope`, `refresh_token` (whether one was issued), `jti` (the access token's id).
    case tokensIssued = "oidc.tokens_issued"
    /// Provider tokens that were still alive were revoked (a revocation that finds nothing alive writes nothing). Payload: `client_id` (absent for a user's tokens at every client), `grant_id`,
    /// `jti`, `reason` (`code_reused`, `refresh_token_reused`, `client_revocation`, `admin`, `identity_unbound`),
    /// `count` (tokens still alive that were revoked, where counted).
    case tokensRevoked = "oidc.tokens_revoked"
    /// The person changed their phone or email (or added the one they lacked) with a one-time code sent to the new
    /// address. Payload: `field` (`phone` or `email`), `challenge_id`; the addresses stay in the user's row only.
    case contactChanged = "contact.changed"
    /// The person downloaded the export of their data (`GET /api/me/export`, or the account page's button).
    /// Payload: none.
    case accountExported = "account.exported"
    /// The account was deleted (注销), by the person (actor `person`, no address kept) or by the business (`admin`).
    /// Payload: `external_id` (the business's id for the user, when it had one: the business must know which of its
    /// users went), `delivered_messages` (template messages WeChat reported delivered to them); never a phone, email,
    /// openid, unionid or name. The user's earlier events stay, scrubbed (DEPLOYMENT.md §3.12).
    case userDeleted = "user.deleted"
}
