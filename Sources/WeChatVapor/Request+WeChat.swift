import Vapor

extension Request {
    /// The application's WeChat clients, reached from a request handler.
    public var wechat: Application.WeChat { application.wechat }
}
