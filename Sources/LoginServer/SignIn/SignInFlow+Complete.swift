import Fluent
import Foundation
import Logging
import WeChatKit

extension SignInFlow {
    /// A login metric to report once the outcome is known.
    private struct Report {
        var flow: LoginFlowName
        var outcome: LoginOutcome
        var duration: Duration?
    }

    /// Finishes a callback: claims its state, exchanges the code, records the identity and completes the state —
    /// or answers a duplicate or a prompt repeat with the first result — and reports the login metric once.
    ///
    /// Every refusal after the claim gives the claim back, so a second callback (with its own code) may try; an
    /// error thrown after the claim gives it back too.
    func complete(_ callback: Callback, on database: any Database, logger: Logger) async throws -> Outcome {
        let (outcome, report) = try await run(callback, on: database, logger: logger)
        if let report { ServerMetrics.login(flow: report.flow, outcome: report.outcome, duration: report.duration) }
        return outcome
    }

    private func run(_ callback: Callback, on database: any Database, logger: Logger) async throws
        -> (Outcome, Report?) {
        let rejected = Report(flow: .unknown, outcome: .rejected)
        guard let raw = callback.state, let state = OAuthState(rawValue: raw) else {
            logger.notice("callback without a valid state")
            return (.refused(.invalidState), rejected)
        }
        let states = states(on: database)
        switch try await states.claim(state: state.rawValue, bindings: callback.bindings) {
        case .unknown:
            logger.notice("callback with an unknown state")
            return (.refused(.invalidState), rejected)
        case .otherBrowser:
            logger.notice("callback with a state from another browser")
            return (.refused(.otherBrowser), rejected)
        case .expired(let record):
            logger.notice("callback with an expired state")
            let flow = LoginFlow(rawValue: record.flow).map(LoginFlowName.init) ?? .unknown
            return (.refused(.expired(returnTo: record.returnTo)), Report(flow: flow, outcome: .rejected))
        case .completed(let record):
            // Only a prompt repeat in the session this callback created (or in a browser not signed in at all)
            // gets the first result: never one from the history after sign-out, nor one in someone else's session.
            guard mayRepeat(record, state: state.rawValue, callback: callback) else {
                logger.notice("repeated callback refused: too late or in another session")
                return (.refused(.invalidState), rejected)
            }
            logger.info("repeated callback answered with the first result")
            return (try await result(of: record, on: database), nil)
        case .busy(let record):
            if let completed = try await states.awaitCompletion(
                of: state.rawValue, attempts: configuration.awaitAttempts, interval: configuration.awaitInterval) {
                logger.info("concurrent callback answered with the first result")
                return (try await result(of: completed, on: database), nil)
            }
            return (.refused(.stillRunning(returnTo: record.returnTo)), nil)
        case .claimed(let record, let token):
            do {
                let actor = EventActor(kind: .person, address: callback.clientAddress)
                let (outcome, report) = try await exchange(record, claim: token, code: callback.code, actor: actor,
                                                           on: database, logger: logger)
                // A recorded identity completed the state in the identity's transaction.
                if outcome.identityID == nil { try await states.release(record, token: token) }
                return (outcome, report)
            } catch {
                try? await states.release(record, token: token)
                throw error
            }
        }
    }

    /// Whether a repeat of a completed callback may have its first result (see ``Callback``).
    private func mayRepeat(_ record: OAuthStateRecord, state: String, callback: Callback) -> Bool {
        guard let completedAt = record.completedAt,
              clock.now().timeIntervalSince(completedAt) < configuration.repeatWindow else { return false }
        if let origin = callback.sessionOrigin { return ConstantTime.equals(origin, state) }
        return !callback.sessionIsSignedIn
    }

    /// The code exchange and profile read of the callback that holds the claim, and the identity's record.
    private func exchange(_ record: OAuthStateRecord, claim: String, code: String?, actor: EventActor,
                          on database: any Database, logger: Logger) async throws -> (Outcome, Report?) {
        let started = ContinuousClock.now
        guard let flow = LoginFlow(rawValue: record.flow) else {
            logger.error("login state names an unknown flow", metadata: ["flow": "\(record.flow)"])
            return (.refused(.invalidState), Report(flow: .unknown, outcome: .rejected))
        }
        let flowName = LoginFlowName(flow)
        let returnTo = record.returnTo
        guard let code, !code.isEmpty, code.utf8.count <= 512 else {
            logger.info("consent denied at WeChat")
            return (.refused(.denied(returnTo: returnTo)), Report(flow: flowName, outcome: .refused))
        }
        let client = try client(for: flow.appKind)
        let token: UserToken
        let profile: UserInfo?
        do {
            token = try await client.exchange(code: code)
            if token.isSnapshotUser {
                return (.refused(.snapshotUser(returnTo: returnTo)), Report(flow: flowName, outcome: .refused))
            }
            let mayReadProfile = token.scopes.contains(.snsapiUserinfo) || token.scopes.contains(.snsapiLogin)
            profile = mayReadProfile ? try await client.userInfo(accessToken: token.accessToken, openID: token.openID) : nil
        } catch let error as WeChatError {
            logger.warning("wechat refused the login", metadata: [
                "errcode": "\(error.code?.rawValue ?? 0)", "error": "\(error)", "flow": "\(flow.rawValue)",
            ])
            return (.refused(.weChatFailed(error, returnTo: returnTo)),
                    Report(flow: flowName, outcome: .failed, duration: ContinuousClock.now - started))
        }
        let identity = try await recordSignIn(IdentityRecorder.Authorization(
            appID: client.credentials.appID, appKind: flow.appKind, token: token, profile: profile),
            state: record, claim: claim, actor: actor, on: database)
        logger.info("wechat login completed", metadata: ["flow": "\(flow.rawValue)", "bound": "\(identity.userID != nil)"])
        let outcome = try Self.outcome(identity, record: record)
        return (outcome, Report(flow: flowName, outcome: identity.userID != nil ? .signedIn : .needsBinding,
                                duration: ContinuousClock.now - started))
    }

    /// Records the identity, completes the state and writes the login's events in one write transaction: the
    /// identity is never recorded without its state completed or its events (`identity.bound` when the upsert joined
    /// the user of the same person's identity in another app, `signin.succeeded` when it belongs to a user).
    private func recordSignIn(_ authorization: IdentityRecorder.Authorization, state record: OAuthStateRecord, claim: String,
                        actor: EventActor, on database: any Database) async throws -> IdentityRecorder.Recorded {
        let flow = Self.eventFlowName(record)
        return try await database.writeTransaction { tx in
            let identity = try await recorder(on: tx).upsert(authorization)
            try await states(on: tx).complete(record, token: claim, identityID: identity.id)
            let events = try await Self.signInEvents(
                identity, appID: authorization.appID, openID: authorization.token.openID, flow: flow, via: "callback",
                returnTo: record.returnTo, actor: actor, on: tx)
            try await EventLog(database: tx).append(events, at: clock.now())
            return identity
        }
    }

    /// The events of a recorded sign-in, whichever flow recorded it: `identity.bound` when the upsert joined the
    /// user of the same person's identity in another app, `signin.succeeded` (with the OpenID Connect client the
    /// sign-in resumes, if any) when the identity belongs to a user. Appended in the sign-in's write transaction.
    static func signInEvents(_ identity: IdentityRecorder.Recorded, appID: String, openID: String, flow: String,
                             via: String, returnTo: String, actor: EventActor, on tx: any Database) async throws -> [Event] {
        var events: [Event] = []
        let about = EventPayload(identityID: identity.id, appID: appID, openID: openID)
        if identity.joined, let userID = identity.userID {
            var bound = about
            (bound.unionID, bound.via) = (identity.unionID, "unionid")
            events.append(Event(.identityBound, userID: userID, actor: actor, payload: bound))
        }
        if let userID = identity.userID {
            var signedIn = about
            (signedIn.flow, signedIn.via) = (flow, via)
            if let request = AuthorizationRequestStore.requestID(resumedBy: returnTo) {
                signedIn.clientID = try await AuthorizationRequestStore(database: tx).clientID(ofRequest: request)
            }
            events.append(Event(.signInSucceeded, userID: userID, actor: actor, payload: signedIn))
        }
        return events
    }

    /// The flow as events name it: `in_wechat_base`, `in_wechat_userinfo`, `pc_qr` or `pc_qr_inline` (follow-to-sign-in
    /// writes `official_account_qr`).
    static func eventFlowName(_ record: OAuthStateRecord) -> String {
        switch LoginFlow(rawValue: record.flow) {
        case .officialAccount: record.scope == OAuthScope.snsapiBase.rawValue ? "in_wechat_base" : "in_wechat_userinfo"
        case .website: "pc_qr"
        case .websiteInline: "pc_qr_inline"
        case nil: record.flow
        }
    }

    /// The first result of a completed state, for a duplicate or a repeat.
    private func result(of record: OAuthStateRecord, on database: any Database) async throws -> Outcome {
        guard let identityID = record.identityID,
              let identity = try await IdentityStore(database: database).find(identityID),
              let id = identity.id else { return .refused(.invalidState) }
        return try Self.outcome(IdentityRecorder.Recorded(id: id, userID: identity.$user.id, joined: false, unionID: nil),
                                record: record)
    }

    private static func outcome(_ identity: IdentityRecorder.Recorded, record: OAuthStateRecord) throws -> Outcome {
        let returnTo = ReturnTo.orHome(record.returnTo)
        let state = try record.requireID()
        if let userID = identity.userID {
            return .signedIn(userID: userID, identityID: identity.id, returnTo: returnTo, state: state)
        }
        return .needsBinding(identityID: identity.id, returnTo: returnTo, state: state)
    }
}
