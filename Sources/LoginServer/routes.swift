import Vapor

extension LoginServer {
    static func routes(_ app: Application) throws {
        try app.register(collection: HomeController())
        let context = LoginContext.of(app)
        try app.register(collection: LoginController(flow: context.signInFlow, configuration: context.configuration))
        try app.register(collection: CallbackController(flow: context.signInFlow, configuration: context.configuration))
        try app.register(collection: BindController())
        try app.register(collection: AccountController())
        try app.register(collection: APIController())
        try app.register(collection: WeChatEventsController())
        try app.register(collection: AdminController())
        try app.register(collection: TemplateMessageController())
        try app.register(collection: MetricsController())
    }
}
