import Foundation

/// Bounds an untrusted `expires_in` to 0…1 year so date arithmetic stays sane.
enum ExpiresIn {
    static func seconds(_ value: Int) -> TimeInterval {
        TimeInterval(min(max(value, 0), 366 * 24 * 3600))
    }
}
