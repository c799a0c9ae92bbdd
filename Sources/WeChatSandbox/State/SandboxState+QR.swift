import Foundation

/// Why a QR session operation failed.
enum QRFailure: Error, Sendable {
    case unknown
    case expired
    case wrongState
}

extension SandboxState {
    func createQRSession(appID: String, redirectURI: String, state: String, selfRedirect: String, now: Date) -> String {
        if qrSessions.count >= nextQRPurge {
            qrSessions = qrSessions.filter { now < $0.value.expiresAt || qrWaiters[$0.key] != nil }
            nextQRPurge = Self.nextPurge(after: qrSessions.count)
        }
        let uuid = Identifiers.qrUUID()
        qrSessions[uuid] = QRSession(
            uuid: uuid, appID: appID, redirectURI: redirectURI, state: state, selfRedirect: selfRedirect,
            expiresAt: now.addingTimeInterval(configuration.lifetimes.qrSession), status: .waiting, version: 0)
        return uuid
    }

    func qrSession(_ uuid: String) -> QRSession? {
        qrSessions[uuid]
    }

    /// The current poll answer and the session version it reflects (nil session → 402).
    func qrPoll(_ uuid: String, now: Date) -> (errcode: Int, code: String, version: Int) {
        guard let session = qrSessions[uuid] else { return (402, "", -1) }
        let status = session.current(at: now)
        if case .confirmed(let code) = status { return (405, code, session.version) }
        return (QRSession.errcode(status), "", session.version)
    }

    /// Phone scan: waiting → scanned by `userID`.
    func qrScan(_ uuid: String, userID: String, now: Date) throws(QRFailure) -> QRSession {
        let session = try live(uuid, now: now)
        switch session.status {
        case .waiting: return transition(uuid, to: .scanned(userID: userID))
        case .scanned(let who) where who == userID: return session
        default: throw .wrongState
        }
    }

    /// Phone confirm: scanned (or waiting, for hooks) → confirmed with a fresh `snsapi_login` code.
    func qrConfirm(_ uuid: String, userID: String?, now: Date) throws(QRFailure) -> String {
        let session = try live(uuid, now: now)
        let who: String
        switch session.status {
        case .scanned(let scanner): who = userID ?? scanner
        case .waiting:
            guard let userID else { throw .wrongState }
            who = userID
        default: throw .wrongState
        }
        guard users[who] != nil else { throw .wrongState }
        let code = issueCode(appID: session.appID, userID: who, scope: "snsapi_login", now: now)
        _ = transition(uuid, to: .confirmed(code: code))
        return code
    }

    /// Phone deny or hook cancel → 403.
    func qrCancel(_ uuid: String, now: Date) throws(QRFailure) {
        let session = try live(uuid, now: now)
        if case .confirmed = session.status { throw .wrongState }
        _ = transition(uuid, to: .cancelled)
    }

    /// Hook: expire now → 402.
    func qrExpire(_ uuid: String) throws(QRFailure) {
        guard qrSessions[uuid] != nil else { throw .unknown }
        _ = transition(uuid, to: .expired)
    }

    private func live(_ uuid: String, now: Date) throws(QRFailure) -> QRSession {
        guard let session = qrSessions[uuid] else { throw .unknown }
        if session.current(at: now) == .expired { throw .expired }
        return session
    }

    private func transition(_ uuid: String, to status: QRSession.Status) -> QRSession {
        guard var session = qrSessions[uuid] else { preconditionFailure("transition on a checked session") }
        session.status = status
        session.version += 1
        qrSessions[uuid] = session
        wakeWaiters(uuid)
        return session
    }

    /// Suspends until the session changes from `version`, or the waiter is cancelled.
    func waitForChange(_ uuid: String, from version: Int, waiter: UUID) async {
        if cancelledWaiters.remove(waiter) != nil { return }
        if let session = qrSessions[uuid], session.version != version { return }
        if qrSessions[uuid] == nil { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            qrWaiters[uuid, default: [:]][waiter] = continuation
        }
    }

    /// Ends one waiter (long-poll timeout); remembers it if it has not suspended yet.
    func cancelWaiter(_ uuid: String, waiter: UUID) {
        if let continuation = qrWaiters[uuid]?.removeValue(forKey: waiter) {
            continuation.resume()
        } else {
            cancelledWaiters.insert(waiter)
        }
    }

    /// Wakes every waiter of a session.
    func wakeWaiters(_ uuid: String) {
        for continuation in (qrWaiters.removeValue(forKey: uuid) ?? [:]).values { continuation.resume() }
    }

    /// Wakes all waiters (after a clock move, so expiry shows at once).
    func wakeAllWaiters() {
        for uuid in Array(qrWaiters.keys) { wakeWaiters(uuid) }
    }
}
