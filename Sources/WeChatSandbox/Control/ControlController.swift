import Foundation
import Vapor

/// The control API under `/sandbox/api/` (documented in README.md).
struct ControlController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("sandbox", "api")
        api.get("apps", use: apps)
        api.get("apps", ":appid", use: app)
        api.patch("apps", ":appid", use: patchApp)
        api.get("users", use: users)
        api.post("users", use: createUser)
        api.get("users", ":user", use: user)
        api.post("users", ":user", "follow", use: { try await follow($0, true) })
        api.post("users", ":user", "unfollow", use: { try await follow($0, false) })
        api.post("users", ":user", "flags", use: flags)
        api.post("users", ":user", "password-changed", use: passwordChanged)
        api.get("users", ":user", "messages", use: messages)
        api.post("reset", use: reset)
        try api.register(collection: ControlClockController(sandbox: sandbox))
        try api.register(collection: ControlQRController(sandbox: sandbox))
        try api.register(collection: ControlQRCodeController(sandbox: sandbox))
        try api.register(collection: ControlFaultController(sandbox: sandbox))
        try api.register(collection: ControlBrowserController(sandbox: sandbox))
    }

    func apps(_ req: Request) async throws -> Response {
        ControlReply.json(await sandbox.apps())
    }

    func app(_ req: Request) async throws -> Response {
        guard let app = await sandbox.app(req.parameters.get("appid") ?? "") else {
            return ControlReply.error(.notFound, "unknown app")
        }
        return ControlReply.json(app)
    }

    func patchApp(_ req: Request) async throws -> Response {
        guard var app = await sandbox.app(req.parameters.get("appid") ?? "") else {
            return ControlReply.error(.notFound, "unknown app")
        }
        let patch = try req.controlBody(ControlDTO.AppPatch.self)
        if let value = patch.webAuthDomain { app.webAuthDomain = value }
        if let value = patch.callbackDomain { app.callbackDomain = value }
        if let value = patch.serverURL { app.serverURL = value.isEmpty ? nil : value }
        if let value = patch.token { app.token = value }
        if let value = patch.encodingAESKey {
            guard value.count == 43 else { return ControlReply.error(.badRequest, "EncodingAESKey must be 43 characters") }
            app.encodingAESKey = value
        }
        if let value = patch.encryptionMode { app.encryptionMode = value }
        if let value = patch.requiresState { app.requiresState = value }
        if let value = patch.banned { app.banned = value }
        if let value = patch.thirdPartyUnauthorized { app.thirdPartyUnauthorized = value }
        if let value = patch.requiresWeChatBrowser { app.requiresWeChatBrowser = value }
        if let value = patch.menu {
            guard app.kind != .website, SandboxConfiguration.MenuItem.isValidMenu(value) else {
                return ControlReply.error(.badRequest, """
                    menu: an official account's, at most 3 buttons, each a name of 1-16 characters and an http(s) url \
                    of at most 1024 bytes
                    """)
            }
            app.menu = value
        }
        switch patch.ipWhitelist {
        case .unchanged: break
        case .remove: app.ipWhitelist = nil
        case .set(let entries):
            guard entries.count <= 256, entries.allSatisfy(CallerAddress.isValid) else {
                return ControlReply.error(.badRequest, "ipWhitelist must hold at most 256 IPv4 or IPv6 addresses")
            }
            app.ipWhitelist = entries
        }
        await sandbox.state.updateApp(app)
        return ControlReply.json(app)
    }

    func view(_ user: SandboxConfiguration.User) async -> ControlDTO.UserView {
        var openids: [String: String] = [:]
        var unionids: [String: String] = [:]
        var following: [String] = []
        for app in await sandbox.apps() {
            openids[app.appID] = sandbox.openID(userID: user.id, appID: app.appID)
            if let union = await sandbox.unionID(userID: user.id, appID: app.appID) { unionids[app.appID] = union }
            if await sandbox.state.followRecord(appID: app.appID, userID: user.id)?.subscribed == true {
                following.append(app.appID)
            }
        }
        return ControlDTO.UserView(
            id: user.id, nickname: user.nickname, isSnapshotUser: user.isSnapshotUser, privilege: user.privilege,
            avatar: "\(sandbox.configuration.publicBaseURL)/sandbox/avatar/\(user.id).svg",
            openids: openids, unionids: unionids, following: following)
    }

    func users(_ req: Request) async throws -> Response {
        var views: [ControlDTO.UserView] = []
        for user in await sandbox.users() { views.append(await view(user)) }
        return ControlReply.json(views)
    }

    func user(_ req: Request) async throws -> Response {
        guard let user = await sandbox.state.users[req.parameters.get("user") ?? ""] else {
            return ControlReply.error(.notFound, "unknown user")
        }
        return ControlReply.json(await view(user))
    }

    func createUser(_ req: Request) async throws -> Response {
        let body = try req.controlBody(ControlDTO.NewUser.self)
        let id: String
        if let given = body.id { id = given } else { id = "u\(await sandbox.state.userCount() + 1)" }
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            return ControlReply.error(.badRequest, "user id must be 1-64 letters, digits, _ or -")
        }
        let user = SandboxConfiguration.User(
            id: id, nickname: String((body.nickname ?? "微信用户\(id)").prefix(64)),
            privilege: body.privilege ?? [], isSnapshotUser: body.isSnapshotUser ?? false)
        guard await sandbox.state.addNewUser(user, at: sandbox.clock.now()) else {
            return ControlReply.error(.conflict, "user exists")
        }
        return ControlReply.json(await view(user), status: .created)
    }

    func follow(_ req: Request, _ following: Bool) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        let body = try req.controlBody(ControlDTO.AppRef.self)
        guard await sandbox.state.users[id] != nil, let app = await sandbox.app(body.appid), app.kind != .website else {
            return ControlReply.error(.notFound, "unknown user or official account")
        }
        await sandbox.setFollowing(following, appID: app.appID, userID: id, client: req.application.client)
        return ControlReply.json(ControlDTO.Done())
    }

    func flags(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        let body = try req.controlBody(ControlDTO.Flags.self)
        guard await sandbox.state.users[id] != nil, await sandbox.app(body.appid) != nil else {
            return ControlReply.error(.notFound, "unknown user or app")
        }
        await sandbox.state.setFlags(
            appID: body.appid, userID: id, blocked: body.blocked, refusesMessages: body.refusesMessages,
            systemFails: body.systemFails,            now: sandbox.clock.now())
        return ControlReply.json(ControlDTO.Done())
    }

    func passwordChanged(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        guard await sandbox.state.users[id] != nil else { return ControlReply.error(.notFound, "unknown user") }
        await sandbox.state.changePassword(userID: id, now: sandbox.clock.now())
        return ControlReply.json(ControlDTO.Done())
    }

    func messages(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        guard await sandbox.state.users[id] != nil else { return ControlReply.error(.notFound, "unknown user") }
        return ControlReply.json(await sandbox.state.messages(userID: id))
    }

    func reset(_ req: Request) async throws -> Response {
        await sandbox.reset()
        return ControlReply.json(ControlDTO.Done())
    }
}
