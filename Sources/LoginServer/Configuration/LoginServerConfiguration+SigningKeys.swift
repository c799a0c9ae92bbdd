import Foundation

extension LoginServerConfiguration {
    /// `OIDC_RETIRED_KEY_PUBLISHED_SECONDS`: whole seconds, at least the 1-hour token lifetime, at most 30 days.
    static func signingKeys(_ value: (String) -> String?) throws -> SigningKeyConfiguration {
        var keys = SigningKeyConfiguration()
        if let raw = value(Variable.retiredSigningKeyPublished) {
            let minimum = Int(SigningKeyConfiguration.minimumRetiredKeyPublishedFor)
            guard let seconds = Int(raw), seconds >= minimum, seconds <= 30 * 24 * 3600 else {
                throw EnvironmentError(description: "\(Variable.retiredSigningKeyPublished) must be whole seconds from \(minimum) (the 1-hour lifetime of the tokens a retired key signed) to 2592000 (30 days)")
            }
            keys.retiredKeyPublishedFor = TimeInterval(seconds)
        }
        return keys
    }
}
