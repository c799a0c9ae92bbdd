import Foundation

/// A user's web-authorization token (`sns/oauth2/access_token` / `refresh_token`), distinct from the
/// ordinary access_token. Its `description` redacts both tokens.
public struct UserToken: Sendable, Hashable, Codable {
    /// The user access token, usable only for `sns/userinfo` and `sns/auth`.
    public var accessToken: String
    /// When ``accessToken`` expires: the client's clock at the response plus `expires_in`.
    public var expiresAt: Date
    /// The refresh token (about 30 days; not extended by refreshing).
    public var refreshToken: String
    /// The user's openid for this app.
    public var openID: String
    /// The granted scopes, parsed from the comma-separated `scope` field.
    public var scopes: Set<OAuthScope>
    /// The unionid, present only for userinfo-level grants of apps bound to an Open Platform account.
    public var unionID: String?
    /// True for a snapshot-page virtual account (`is_snapshotuser: 1`): its data are not the real user's.
    public var isSnapshotUser: Bool

    /// Creates a token value (for tests and storage).
    public init(
        accessToken: String, expiresAt: Date, refreshToken: String, openID: String,
        scopes: Set<OAuthScope>, unionID: String? = nil, isSnapshotUser: Bool = false
    ) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.openID = openID
        self.scopes = scopes
        self.unionID = unionID
        self.isSnapshotUser = isSnapshotUser
    }

    /// Whether the access token has expired at `now`.
    public func isExpired(at now: Date) -> Bool { now >= expiresAt }
}

extension UserToken: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A summary with both tokens redacted.
    public var description: String {
        let scopeList = scopes.map(\.rawValue).sorted().joined(separator: ",")
        return "UserToken(openID: \(openID), scopes: \(scopeList), unionID: \(unionID ?? "nil"), "
            + "snapshot: \(isSnapshotUser), expiresAt: \(expiresAt), accessToken: <redacted>, refreshToken: <redacted>)"
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror with both tokens redacted, so `dump` cannot print them.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessToken": "<redacted>", "expiresAt": expiresAt, "refreshToken": "<redacted>", "openID": openID,
                "scopes": scopes, "unionID": unionID as Any, "isSnapshotUser": isSnapshotUser,
            ])
    }
}

/// The JSON of `sns/oauth2/access_token` and `sns/oauth2/refresh_token`.
struct UserTokenResponse: Decodable {
    let accessToken: String
    let expiresIn: Int
    let refreshToken: String
    let openID: String
    let scope: String?
    let unionID: String?
    let isSnapshotUser: LenientInt?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", expiresIn = "expires_in", refreshToken = "refresh_token"
        case openID = "openid", scope, unionID = "unionid", isSnapshotUser = "is_snapshotuser"
    }

    func userToken(receivedAt now: Date) -> UserToken {
        UserToken(
            accessToken: accessToken,
            expiresAt: now.addingTimeInterval(ExpiresIn.seconds(expiresIn)),
            refreshToken: refreshToken,
            openID: openID,
            scopes: OAuthScope.parseList(scope ?? ""),
            unionID: unionID.flatMap { $0.isEmpty ? nil : $0 },
            isSnapshotUser: isSnapshotUser?.value == 1
        )
    }
}
