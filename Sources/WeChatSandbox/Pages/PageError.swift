import Foundation
import Vapor

/// A user-visible authorize-page failure (spec §1.5).
enum PageError: Error, Sendable, Equatable {
    case code(Int)
    case cannotAccess

    static let labels: [Int: String] = [
        10003: "redirect_uri域名与后台配置不一致",
        10004: "此公众号被封禁",
        10005: "此公众号并没有这些scope的权限",
        10006: "必须关注此测试号",
        10009: "操作太频繁了，请稍后重试",
        10010: "scope不能为空",
        10011: "redirect_uri不能为空",
        10012: "appid不能为空",
        10013: "state不能为空",
        10015: "公众号未授权第三方平台，请检查授权状态",
        10016: "不支持微信开放平台的Appid，请使用公众号Appid",
    ]

    var page: Response {
        switch self {
        case .cannotAccess: HTML.cannotAccess()
        case .code(let code): HTML.errorPage(code: code, label: Self.labels[code] ?? "该链接无法访问")
        }
    }
}
