import Foundation
import Vapor

/// Control API bodies and views.
enum ControlDTO {
    struct AppPatch: Decodable {
        var webAuthDomain: String?
        var callbackDomain: String?
        var serverURL: String?
        var token: String?
        var encodingAESKey: String?
        var encryptionMode: SandboxConfiguration.EncryptionMode?
        var requiresState: Bool?
        var banned: Bool?
        var thirdPartyUnauthorized: Bool?
        var requiresWeChatBrowser: Bool?
        var menu: [SandboxConfiguration.MenuItem]?
        /// `["203.0.113.7", …]` sets the whitelist; an explicit `null` removes it; absent leaves it unchanged.
        var ipWhitelist: IPWhitelistPatch

        enum CodingKeys: String, CodingKey {
            case webAuthDomain, callbackDomain, serverURL, token, encodingAESKey, encryptionMode, requiresState, banned
            case thirdPartyUnauthorized, ipWhitelist, requiresWeChatBrowser, menu
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            webAuthDomain = try c.decodeIfPresent(String.self, forKey: .webAuthDomain)
            callbackDomain = try c.decodeIfPresent(String.self, forKey: .callbackDomain)
            serverURL = try c.decodeIfPresent(String.self, forKey: .serverURL)
            token = try c.decodeIfPresent(String.self, forKey: .token)
            encodingAESKey = try c.decodeIfPresent(String.self, forKey: .encodingAESKey)
            encryptionMode = try c.decodeIfPresent(SandboxConfiguration.EncryptionMode.self, forKey: .encryptionMode)
            requiresState = try c.decodeIfPresent(Bool.self, forKey: .requiresState)
            banned = try c.decodeIfPresent(Bool.self, forKey: .banned)
            thirdPartyUnauthorized = try c.decodeIfPresent(Bool.self, forKey: .thirdPartyUnauthorized)
            requiresWeChatBrowser = try c.decodeIfPresent(Bool.self, forKey: .requiresWeChatBrowser)
            menu = try c.decodeIfPresent([SandboxConfiguration.MenuItem].self, forKey: .menu)
            if !c.contains(.ipWhitelist) {
                ipWhitelist = .unchanged
            } else if try c.decodeNil(forKey: .ipWhitelist) {
                ipWhitelist = .remove
            } else {
                ipWhitelist = .set(try c.decode([String].self, forKey: .ipWhitelist))
            }
        }
    }

    /// What a PATCH does to an app's IP whitelist.
    enum IPWhitelistPatch {
        case unchanged
        case remove
        case set([String])
    }

    struct NewUser: Codable {
        var id: String?
        var nickname: String?
        var isSnapshotUser: Bool?
        var privilege: [String]?
    }

    struct UserView: Codable {
        let id: String
        let nickname: String
        let isSnapshotUser: Bool
        let privilege: [String]
        let avatar: String
        let openids: [String: String]
        let unionids: [String: String]
        let following: [String]
    }

    struct AppRef: Codable {
        var appid: String
    }

    struct Flags: Codable {
        var appid: String
        var blocked: Bool?
        var refusesMessages: Bool?
        var systemFails: Bool?
    }

    struct Advance: Codable {
        var seconds: Double
    }

    struct SetClock: Codable {
        var now: Double
    }

    struct ClockView: Codable {
        let now: Double
        let iso8601: String
    }

    struct QRUser: Codable {
        var user: String?
    }

    struct QRView: Codable {
        let uuid: String
        let appid: String
        let wx_errcode: Int
        let wx_code: String
    }

    struct Done: Codable {
        var ok = true
    }
}

/// JSON responses of the control API.
enum ControlReply {
    static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return Response(status: status, headers: headers, body: .init(data: data))
    }

    static func error(_ status: HTTPResponseStatus, _ message: String) -> Response {
        json(["error": message], status: status)
    }
}

extension Request {
    /// Decodes a JSON control body or throws 400.
    func controlBody<T: Decodable>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, let value = try? JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)) else {
            throw Abort(.badRequest, reason: "invalid JSON body")
        }
        return value
    }
}
