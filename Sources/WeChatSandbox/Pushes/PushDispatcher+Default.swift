import Foundation
import Vapor

extension PushDispatcher {
    /// The deliverer used in production: signed, encrypted HTTP POSTs to the app's server URL.
    static let defaultDeliverer: @Sendable (any Client) -> (any PushDelivering)? = { HTTPPushDeliverer(client: $0) }
}
