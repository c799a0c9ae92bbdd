import Foundation

/// A website QR login session (spec §2.3).
struct QRSession: Sendable {
    enum Status: Sendable, Equatable {
        case waiting
        case scanned(userID: String)
        case cancelled
        case confirmed(code: String)
        case expired
    }

    let uuid: String
    let appID: String
    let redirectURI: String
    let state: String
    let selfRedirect: String
    let expiresAt: Date
    var status: Status
    var version: Int

    /// The status as of `now` (an unconfirmed session past its life is expired).
    func current(at now: Date) -> Status {
        switch status {
        case .confirmed, .cancelled, .expired: status
        case .waiting, .scanned: now >= expiresAt ? .expired : status
        }
    }

    /// The `wx_errcode` of a status.
    static func errcode(_ status: Status) -> Int {
        switch status {
        case .waiting: 408
        case .scanned: 404
        case .cancelled: 403
        case .expired: 402
        case .confirmed: 405
        }
    }
}
