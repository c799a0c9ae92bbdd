import Foundation

/// A parametric QR code of an official account (`cgi-bin/qrcode/create`, spec §15): its ticket, the URL its image
/// encodes (the phone's scan page) and the scene it carries.
struct ParametricQRCode: Sendable {
    /// The scene: an integer (`QR_SCENE`, `QR_LIMIT_SCENE`) or a string (`QR_STR_SCENE`, `QR_LIMIT_STR_SCENE`).
    enum Scene: Sendable, Equatable {
        case id(Int64)
        case string(String)

        /// The scene as it appears in `EventKey` (after `qrscene_` for a subscribe).
        var text: String {
            switch self {
            case .id(let id): String(id)
            case .string(let string): string
            }
        }
    }

    /// The ticket `showqrcode` takes: `gQ` + 94 URL-safe random characters (unguessable, no percent-encoding needed).
    let ticket: String
    /// The last path component of the scan page (`/sandbox/q/{path}`), random and distinct from the ticket.
    let path: String
    let appID: String
    let actionName: String
    let scene: Scene
    let createdAt: Date
    /// When a temporary code expires; nil for a permanent one.
    let expiresAt: Date?
    /// Expired early through the control API.
    var expiredByControl = false
    /// Scans that pushed an event.
    var scans = 0

    var isPermanent: Bool { expiresAt == nil }

    /// Whether a scan at `now` still works.
    func isValid(at now: Date) -> Bool {
        guard !expiredByControl else { return false }
        guard let expiresAt else { return true }
        return now < expiresAt
    }
}

/// The event a scan produces: the scene (without `qrscene_`) and the ticket (spec §15.3).
struct QRSceneEvent: Sendable, Equatable {
    let scene: String
    let ticket: String
}

/// Why a scan of a parametric code does nothing.
enum ParametricScanFailure: Error, Sendable {
    /// No such ticket or scan path.
    case unknown
    /// The code expired (lifetime over, or expired through the control API): nothing is pushed.
    case expired
}
