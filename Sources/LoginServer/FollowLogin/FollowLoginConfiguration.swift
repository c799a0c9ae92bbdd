import Foundation

/// Follow-to-sign-in's settings: the QR code's lifetime and how long a status poll waits (fixed defaults; tests
/// shorten them). The account's name is `LoginServerConfiguration.officialAccountName`.
struct FollowLoginConfiguration: Sendable {
    /// The temporary QR code's `expire_seconds`, and so the scene's lifetime (5 minutes: enough to find the phone,
    /// short enough that a photographed code is soon worthless).
    var qrLifetime = 300
    /// How long after the code expired a scene scanned in time may still complete (the poll that finishes it may
    /// come a moment later).
    var completionGrace: TimeInterval = 60
    /// How long one status request waits for a change before answering "still pending" (long-polling; well under
    /// proxies' usual 60-second idle timeout).
    var pollHold: Duration = .seconds(25)
    /// How often a waiting status request re-reads its scene when no scan on this instance woke it: the most a scan
    /// pushed to another instance waits to be seen (a scan pushed to this one is seen at once).
    var pollInterval: Duration = .seconds(1)
}
