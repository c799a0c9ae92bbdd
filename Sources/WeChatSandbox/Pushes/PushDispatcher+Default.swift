import Foundation
import Vapor

extension PushDispatcher {
    /// The deliverer used in production. Without the push encoder (`Push/`), pushes are only recorded.
    static let defaultDeliverer: @Sendable (any Client) -> (any PushDelivering)? = { _ in nil }
}
