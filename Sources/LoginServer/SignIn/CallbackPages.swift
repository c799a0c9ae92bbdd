import Vapor
import WeChatKit

/// The pages a callback can end on when it cannot sign the person in.
enum CallbackPages {
    /// The page for each way the sign-in flow refuses a callback.
    static func page(for refusal: SignInFlow.Refusal, _ req: Request) -> Response {
        let language = req.language
        switch refusal {
        case .invalidState:
            return invalidState(req)
        case .otherBrowser:
            return MessagePage(
                title: language.pick("请在发起登录的浏览器中完成登录", "Finish signing in where you started"),
                message: language.pick(
                    "这个登录链接是在另一个浏览器中发起的。为了你的账号安全，请重新登录。",
                    "This sign-in was started in another browser. For your account's safety, please sign in again."),
                action: MessagePage.retry(req)
            ).response(req, status: .forbidden)
        case .expired(let returnTo):
            return MessagePage(
                title: language.pick("登录已过期", "Sign-in expired"),
                message: language.pick("登录等待时间过长，请重新登录。", "The sign-in took too long. Please sign in again."),
                action: MessagePage.retry(req, returnTo: returnTo)
            ).response(req, status: .gone)
        case .stillRunning(let returnTo):
            return MessagePage(
                title: language.pick("登录处理中", "Still signing in"),
                message: language.pick("上一次登录请求仍在处理，请稍后刷新。", "The first sign-in request is still running. Refresh in a moment."),
                action: MessagePage.retry(req, returnTo: returnTo)
            ).response(req, status: .conflict)
        case .denied(let returnTo):
            return denied(req, returnTo: returnTo)
        case .snapshotUser(let returnTo):
            return snapshot(req, returnTo: returnTo)
        case .weChatFailed(let error, let returnTo):
            return weChatFailure(req, error: error, returnTo: returnTo)
        }
    }

    static func invalidState(_ req: Request) -> Response {
        let language = req.language
        return MessagePage(
            title: language.pick("登录链接无效", "Invalid sign-in link"),
            message: language.pick(
                "这个登录链接无效或已被使用。请从网站重新发起登录。",
                "This sign-in link is invalid or was already used. Please start again from the site."),
            action: MessagePage.retry(req)
        ).response(req, status: .badRequest)
    }

    static func denied(_ req: Request, returnTo: String) -> Response {
        let language = req.language
        return MessagePage(
            title: language.pick("你取消了微信授权", "You declined WeChat authorization"),
            message: language.pick(
                "没有你的授权，我们无法用微信为你登录。你可以随时重新登录。",
                "Without your permission we cannot sign you in with WeChat. You can try again at any time."),
            action: MessagePage.retry(req, returnTo: returnTo)
        ).response(req, status: .ok)
    }

    static func snapshot(_ req: Request, returnTo: String) -> Response {
        let language = req.language
        return MessagePage(
            title: language.pick("请使用完整服务", "Please use the full service"),
            message: language.pick(
                "你正在微信的快照页中浏览。请点击右下角的“使用完整服务”后再登录。",
                "You are browsing WeChat's snapshot of this page. Tap “use full service” at the bottom right, then sign in."),
            action: MessagePage.retry(req, returnTo: returnTo)
        ).response(req, status: .ok)
    }

    static func weChatFailure(_ req: Request, error: WeChatError, returnTo: String) -> Response {
        let language = req.language
        let message: String
        switch error.category {
        case .retryable:
            message = language.pick("微信暂时无法响应，请稍后重试。", "WeChat is not responding right now. Please try again shortly.")
        case .quota:
            message = language.pick("登录请求过于频繁，请稍后重试。", "Too many sign-in requests. Please try again later.")
        default:
            message = language.pick(
                "微信拒绝了这次登录（错误码 \(error.code?.rawValue ?? 0)）。请重新登录。",
                "WeChat refused this sign-in (error \(error.code?.rawValue ?? 0)). Please sign in again.")
        }
        return MessagePage(
            title: language.pick("微信登录失败", "WeChat sign-in failed"), message: message,
            action: MessagePage.retry(req, returnTo: returnTo)
        ).response(req, status: .badGateway)
    }
}
