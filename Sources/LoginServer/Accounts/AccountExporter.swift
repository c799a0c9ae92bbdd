import Fluent
import Foundation
import Vapor
import WeChatKit

/// Builds a person's data export (``AccountExport``) from the stores that own each table, and records that it was
/// taken (`account.exported`).
///
/// What each table contributes, and why some give nothing, is listed in DEPLOYMENT.md ("What a data export
/// holds"). Memory is bounded: identities and apps are few per person (apps are grouped by the database), and the
/// three histories that grow without bound, events, template messages and WeChat's pushes, are capped at `limit`
/// rows each, newest first, with `truncated` set when older rows exist (the admin API's event paging reaches those).
///
/// Browser sessions: `login_sessions` rows are keyed by a hash of the cookie and keep the user id inside their
/// data, with no user column, so the person's other sessions cannot be found without decoding every row; the
/// export shows the session it was asked from, which is the one the person can see.
struct AccountExporter: Sendable {
    let database: any Database
    let clock: any ServerClock
    var limit: Int = AccountExport.defaultLimit

    /// The export of `user`; `session` is the store of the request's session and `sessionID` its id, when it has one.
    func export(_ user: User, session: (store: LoginSessionStore, id: SessionID)?,
                actor: EventActor) async throws -> AccountExport {
        let userID = try user.requireID()
        let now = clock.now()
        let identities = try await IdentityStore(database: database).identities(ofUser: userID)
        var sessions: [AccountExport.SessionPart] = []
        if let session, let dates = try await session.store.dates(of: session.id) {
            sessions.append(.init(createdAt: dates.createdAt.exportString, expiresAt: dates.expiresAt.exportString,
                                  current: true))
        }
        let apps = try await self.apps(of: userID, now: now)
        let messages = try await TemplateMessageQueue(database: database, clock: clock)
            .messages(ofUser: userID, limit: limit + 1)
        let pushes = try await InboundEventStore.pushes(
            of: identities.map { ($0.appID, $0.openID) }, limit: limit + 1, on: database)
        // The export's own event is written first, so a failure to record it gives no document, and the document
        // shows it.
        try await database.writeTransaction { tx in
            try await EventLog(database: tx).append(
                Event(.accountExported, userID: userID, actor: actor, payload: EventPayload()), at: now)
        }
        let events = try await EventLog(database: database)
            .newestFirst(EventLog.Query(userID: userID, limit: limit + 1))
        return AccountExport(
            format: AccountExport.format,
            exportedAt: now.exportString,
            user: .init(id: userID, externalID: user.externalID, name: user.displayName, phone: user.phone,
                        email: user.email, createdAt: user.createdAt?.exportString,
                        updatedAt: user.updatedAt?.exportString),
            identities: try identities.map(Self.identity),
            sessions: sessions,
            apps: apps,
            templateMessages: try messages.prefix(limit).map(Self.message),
            wechatPushes: pushes.prefix(limit).map(Self.push),
            events: try events.prefix(limit).map(EventView.init),
            limits: .init(events: limit, templateMessages: limit, wechatPushes: limit),
            truncated: .init(events: events.count > limit, templateMessages: messages.count > limit,
                             wechatPushes: pushes.count > limit))
    }

    static func identity(_ identity: WeChatIdentity) throws -> AccountExport.IdentityPart {
        AccountExport.IdentityPart(
            id: try identity.requireID(), appID: identity.appID, appKind: identity.appKind, openID: identity.openID,
            unionID: identity.unionID, nickname: identity.nickname, avatarURL: identity.avatarURL,
            scopes: identity.scopes.split(separator: ",").map(String.init),
            isSnapshotUser: identity.isSnapshotUser, following: identity.following,
            needsReauthorization: identity.needsReauthorization,
            holdsWeChatTokens: identity.accessTokenSealed != nil || identity.refreshTokenSealed != nil,
            accessTokenExpiresAt: identity.accessTokenExpiresAt?.exportString,
            refreshTokenExpiresAt: identity.refreshTokenExpiresAt?.exportString,
            lastSignInAt: identity.lastLoginAt?.exportString, createdAt: identity.createdAt?.exportString,
            updatedAt: identity.updatedAt?.exportString)
    }

    static func message(_ record: TemplateMessageRecord) throws -> AccountExport.TemplateMessagePart {
        // The stored body is WeChat's request: `touser` and `client_msg_id` are shown as `openid` and not at all.
        let message = try? JSONDecoder().decode(TemplateMessage.self, from: Data(record.payload.utf8))
        return AccountExport.TemplateMessagePart(
            id: try record.requireID(), appID: record.appID, openID: record.openID, templateID: record.templateID,
            url: message?.url,
            data: message?.data.map { .init(key: $0.key, value: $0.value, color: $0.color) } ?? [],
            status: record.status, attempts: record.attempts, msgID: record.msgID, errcode: record.errcode,
            reason: record.reason, deliveryStatus: record.deliveryStatus, createdAt: record.createdAt?.exportString,
            sentAt: record.sentAt?.exportString, finishedAt: record.finishedAt?.exportString)
    }

    static func push(_ push: InboundEventStore.Stored) -> AccountExport.PushPart {
        AccountExport.PushPart(appID: push.appID, openID: push.openID, msgType: push.msgType, event: push.event,
                               fields: push.fields, createTime: push.createTime,
                               receivedAt: push.receivedAt?.exportString)
    }

    /// The apps (OpenID Connect clients) that were issued tokens for the user, from both token tables.
    private func apps(of userID: UUID, now: Date) async throws -> [AccountExport.AppPart] {
        let refresh = try await OIDCRefreshTokenStore(database: database).summaries(ofUser: userID, now: now)
        let access = try await OIDCAccessTokenStore(database: database).summaries(ofUser: userID, now: now)
        struct Merged {
            var scopes: Set<String> = []
            var first: Date = .distantFuture
            var last: Date = .distantPast
            var families = 0
            var tokens = 0
        }
        var merged: [String: Merged] = [:]
        for row in refresh {
            merged[row.clientID, default: Merged()].scopes.formUnion(row.scope.split(separator: " ").map(String.init))
            merged[row.clientID]!.first = min(merged[row.clientID]!.first, row.firstIssuedAt)
            merged[row.clientID]!.last = max(merged[row.clientID]!.last, row.lastIssuedAt)
            merged[row.clientID]!.families += row.activeFamilies
        }
        for row in access {
            merged[row.clientID, default: Merged()].scopes.formUnion(row.scope.split(separator: " ").map(String.init))
            merged[row.clientID]!.first = min(merged[row.clientID]!.first, row.firstIssuedAt)
            merged[row.clientID]!.last = max(merged[row.clientID]!.last, row.lastIssuedAt)
            merged[row.clientID]!.tokens += row.activeTokens
        }
        let clients = OIDCClientStore(database: database)
        var apps: [AccountExport.AppPart] = []
        for (clientID, app) in merged.sorted(by: { $0.key < $1.key }) {
            apps.append(AccountExport.AppPart(
                clientID: clientID, clientName: try await clients.find(clientID)?.metadata.clientName,
                scopes: app.scopes.sorted(), firstIssuedAt: app.first.exportString, lastIssuedAt: app.last.exportString,
                activeRefreshFamilies: app.families, activeAccessTokens: app.tokens))
        }
        return apps
    }
}
