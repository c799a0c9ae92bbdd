import Foundation

extension SandboxState {
    /// Creates a parametric code for `app` (token and body already checked). A permanent scene already issued
    /// answers its existing ticket (it is one code) and does not count again; a new one past
    /// `limits.permanentQRCodeLimit` → 40053. Temporary codes have no cap; expired ones are purged as the table grows.
    func createParametricQR(app: SandboxConfiguration.App, request: ParametricQRRequest, now: Date) throws(WeChatAPIError) -> ParametricQRCode {
        let sceneKey: String
        switch request.scene {
        case .id(let id): sceneKey = Self.key(app.appID, "id", String(id))
        case .string(let string): sceneKey = Self.key(app.appID, "str", string)
        }
        if request.expireSeconds == nil {
            if let ticket = permanentQRTickets[sceneKey], let existing = parametricQRCodes[ticket] { return existing }
            guard permanentQRCounts[app.appID, default: 0] < configuration.limits.permanentQRCodeLimit else {
                throw .invalidActionInfo
            }
        }
        if parametricQRCodes.count >= nextParametricQRPurge {
            parametricQRCodes = parametricQRCodes.filter { $0.value.isPermanent || $0.value.isValid(at: now) }
            parametricQRPaths = parametricQRPaths.filter { parametricQRCodes[$0.value] != nil }
            nextParametricQRPurge = Self.nextPurge(after: parametricQRCodes.count)
        }
        let code = ParametricQRCode(
            ticket: "gQ" + Identifiers.random(94, from: Identifiers.tokenAlphabet),
            path: Identifiers.random(24, from: Identifiers.alphanumerics), appID: app.appID,
            actionName: request.actionName, scene: request.scene, createdAt: now,
            expiresAt: request.expireSeconds.map { now.addingTimeInterval(TimeInterval($0)) })
        parametricQRCodes[code.ticket] = code
        parametricQRPaths[code.path] = code.ticket
        if code.isPermanent {
            permanentQRTickets[sceneKey] = code.ticket
            permanentQRCounts[app.appID, default: 0] += 1
        }
        return code
    }

    /// The code of a ticket, valid or not.
    func parametricQR(ticket: String) -> ParametricQRCode? {
        parametricQRCodes[ticket]
    }

    /// The code behind a scan page path, valid or not.
    func parametricQR(path: String) -> ParametricQRCode? {
        parametricQRPaths[path].flatMap { parametricQRCodes[$0] }
    }

    /// Every parametric code, oldest first.
    func listParametricQRs() -> [ParametricQRCode] {
        parametricQRCodes.values.sorted { ($0.createdAt, $0.ticket) < ($1.createdAt, $1.ticket) }
    }

    /// Expires a code now (control API); permanent codes too.
    func expireParametricQR(ticket: String) throws(ParametricScanFailure) -> ParametricQRCode {
        guard var code = parametricQRCodes[ticket] else { throw .unknown }
        code.expiredByControl = true
        parametricQRCodes[ticket] = code
        return code
    }

    /// A user scans `ticket` and presses the page's button (`accept`) or Cancel, in one step of the actor: the
    /// event to push, or nil when nothing is pushed. A follower gets `SCAN`; a non-follower who accepts becomes a
    /// follower and gets a `subscribe` with `qrscene_`; Cancel pushes nothing. An expired code pushes nothing.
    func scanParametricQR(ticket: String, userID: String, accept: Bool, now: Date) throws(ParametricScanFailure) -> PushEventKind? {
        guard var code = parametricQRCodes[ticket] else { throw .unknown }
        guard code.isValid(at: now) else { throw .expired }
        guard accept else { return nil }
        let event = QRSceneEvent(scene: code.scene.text, ticket: code.ticket)
        let kind: PushEventKind = setFollowing(true, appID: code.appID, userID: userID, now: now)
            ? .qrSubscribe(event) : .scan(event)
        code.scans += 1
        parametricQRCodes[ticket] = code
        return kind
    }
}
