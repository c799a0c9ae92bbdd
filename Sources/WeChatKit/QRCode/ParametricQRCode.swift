import Foundation

/// What `cgi-bin/qrcode/create` is asked for: a temporary or permanent code carrying a scene.
///
/// The scene comes back in the `subscribe` (`EventKey=qrscene_<scene>`) or `SCAN` (`EventKey=<scene>`) push when
/// someone scans the code, which is how follow-to-sign-in learns whose phone scanned whose page.
/// Values are validated by ``validate()`` before any request is made.
public struct ParametricQRCode: Sendable, Hashable {
    /// The scene a code carries.
    public enum Scene: Sendable, Hashable {
        /// An integer scene: 32-bit non-zero for temporary codes, 1–100000 for permanent ones.
        case id(Int64)
        /// A string scene of 1–64 characters.
        case string(String)
    }

    /// The longest a temporary code may live: 30 days.
    public static let maximumLifetime = 2_592_000
    /// The largest integer scene of a permanent code.
    public static let maximumPermanentSceneID: Int64 = 100_000
    /// The longest string scene, in characters.
    public static let maximumSceneLength = 64

    /// The scene the code carries.
    public var scene: Scene
    /// Lifetime in seconds of a temporary code; `nil` for a permanent one.
    public var expireSeconds: Int?

    /// A temporary code living `expireSeconds` (1…2592000; WeChat's default is 60).
    public static func temporary(_ scene: Scene, expireSeconds: Int = 60) -> ParametricQRCode {
        ParametricQRCode(scene: scene, expireSeconds: expireSeconds)
    }

    /// A permanent code (at most 100,000 per account).
    public static func permanent(_ scene: Scene) -> ParametricQRCode {
        ParametricQRCode(scene: scene, expireSeconds: nil)
    }

    /// `QR_SCENE`, `QR_STR_SCENE`, `QR_LIMIT_SCENE` or `QR_LIMIT_STR_SCENE`.
    public var actionName: String {
        switch (scene, expireSeconds) {
        case (.id, .some): "QR_SCENE"
        case (.string, .some): "QR_STR_SCENE"
        case (.id, nil): "QR_LIMIT_SCENE"
        case (.string, nil): "QR_LIMIT_STR_SCENE"
        }
    }

    /// Checks the documented limits (spec §15.1).
    ///
    /// - Throws: ``WeChatError/invalidArgument`` naming the field.
    public func validate() throws(WeChatError) {
        if let expireSeconds, !(1...Self.maximumLifetime).contains(expireSeconds) {
            throw WeChatError(.invalidArgument, detail: "expire_seconds must be 1...\(Self.maximumLifetime)")
        }
        switch scene {
        case .id(let id):
            if expireSeconds == nil {
                guard (1...Self.maximumPermanentSceneID).contains(id) else {
                    throw WeChatError(.invalidArgument, detail: "a permanent scene_id must be 1...100000")
                }
            } else {
                guard id != 0, id >= Int64(Int32.min), id <= Int64(UInt32.max) else {
                    throw WeChatError(.invalidArgument, detail: "a temporary scene_id must be a non-zero 32-bit integer")
                }
            }
        case .string(let value):
            guard (1...Self.maximumSceneLength).contains(value.count) else {
                throw WeChatError(.invalidArgument, detail: "scene_str must be 1...64 characters")
            }
        }
    }

    /// The request body's JSON.
    func body() throws -> [UInt8] {
        struct SceneBody: Encodable {
            var scene_id: Int64?
            var scene_str: String?
        }
        struct ActionInfo: Encodable { var scene: SceneBody }
        struct Body: Encodable {
            var expire_seconds: Int?
            var action_name: String
            var action_info: ActionInfo
        }
        let scene: SceneBody = switch self.scene {
        case .id(let id): SceneBody(scene_id: id)
        case .string(let value): SceneBody(scene_str: value)
        }
        return Array(try JSONEncoder().encode(Body(
            expire_seconds: expireSeconds, action_name: actionName, action_info: ActionInfo(scene: scene))))
    }
}
