import Foundation

/// A validated `cgi-bin/qrcode/create` body (spec §15.1).
struct ParametricQRRequest: Sendable, Equatable {
    /// Longest temporary lifetime: 30 days.
    static let maximumExpireSeconds: Int64 = 2_592_000
    /// Lifetime of a temporary code whose body has no `expire_seconds`.
    static let defaultExpireSeconds: Int64 = 60
    /// Highest permanent integer scene.
    static let maximumPermanentSceneID: Int64 = 100_000

    let actionName: String
    let scene: ParametricQRCode.Scene
    /// Seconds for a temporary code; nil for a permanent one.
    let expireSeconds: Int64?

    /// The body as WeChat's JSON has it.
    private struct Body: Decodable {
        struct ActionInfo: Decodable { var scene: Scene? }
        struct Scene: Decodable {
            var scene_id: Int64?
            var scene_str: String?
        }
        var expire_seconds: Int64?
        var action_name: String?
        var action_info: ActionInfo?
    }

    /// Validates a body: 47001 when it is not the JSON shape (wrong types included), 40052 for a missing or unknown
    /// `action_name`, 40053 for a missing or out-of-range scene or lifetime. `expire_seconds` above 30 days is
    /// lowered to 30 days.
    static func parse(_ data: Data) throws(WeChatAPIError) -> ParametricQRRequest {
        guard !data.isEmpty else { throw .emptyPostData }
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: data) } catch { throw .dataFormatError }
        let permanent: Bool
        let stringScene: Bool
        switch body.action_name {
        case "QR_SCENE": (permanent, stringScene) = (false, false)
        case "QR_STR_SCENE": (permanent, stringScene) = (false, true)
        case "QR_LIMIT_SCENE": (permanent, stringScene) = (true, false)
        case "QR_LIMIT_STR_SCENE": (permanent, stringScene) = (true, true)
        default: throw .invalidActionName
        }
        let scene: ParametricQRCode.Scene
        if stringScene {
            guard let string = body.action_info?.scene?.scene_str, (1...64).contains(string.count) else {
                throw .invalidActionInfo
            }
            scene = .string(string)
        } else {
            guard let id = body.action_info?.scene?.scene_id else { throw .invalidActionInfo }
            let range: ClosedRange<Int64> = permanent ? 1...maximumPermanentSceneID : 1...Int64(UInt32.max)
            guard range.contains(id) else { throw .invalidActionInfo }
            scene = .id(id)
        }
        guard !permanent else { return ParametricQRRequest(actionName: body.action_name ?? "", scene: scene, expireSeconds: nil) }
        let seconds = body.expire_seconds ?? defaultExpireSeconds
        guard seconds > 0 else { throw .invalidActionInfo }
        return ParametricQRRequest(
            actionName: body.action_name ?? "", scene: scene, expireSeconds: min(seconds, maximumExpireSeconds))
    }
}
