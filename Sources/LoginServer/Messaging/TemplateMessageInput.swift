import Foundation
import Vapor
import WeChatKit

/// Checks a template message's content before it is queued, so bad input is refused with a clear reason at once
/// instead of failing later at WeChat. WeChat's own rules (47003 value limits, 40037 unknown template) still apply
/// when it is sent.
struct TemplateMessageInput: Sendable {
    let templateID: String
    let url: String?
    let miniProgram: TemplateMessage.MiniProgram?
    let fields: [TemplateMessage.Field]
    let idempotencyKey: String?

    /// Largest number of recipients one batch may name.
    static let maxBatchSize = 1000

    init(templateID: String, url: String?, miniProgram: MiniProgramDTO?, data: [String: FieldDTO],
         idempotencyKey: String?) throws {
        guard (1...128).contains(templateID.count), templateID.allSatisfy(Self.isTokenCharacter) else {
            throw Abort(.unprocessableEntity, reason: "template_id must be 1–128 letters, digits, - or _.")
        }
        if let url {
            guard url.count <= 1024, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()),
                  parsed.host?.isEmpty == false else {
                throw Abort(.unprocessableEntity, reason: "url must be an absolute http(s) URL of at most 1024 characters.")
            }
        }
        if let miniProgram {
            guard (1...64).contains(miniProgram.appID.count), miniProgram.appID.allSatisfy(Self.isTokenCharacter),
                  (miniProgram.pagePath ?? "").count <= 512 else {
                throw Abort(.unprocessableEntity, reason: "miniprogram needs an appid (and a pagepath of at most 512 characters).")
            }
        }
        guard !data.isEmpty, data.count <= 50 else {
            throw Abort(.unprocessableEntity, reason: "data must hold 1–50 fields.")
        }
        var fields: [TemplateMessage.Field] = []
        for key in data.keys.sorted() {
            guard let field = data[key] else { continue }
            guard (1...64).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw Abort(.unprocessableEntity, reason: "data keys are the template's placeholder names: letters, digits and _.")
            }
            guard field.value.count <= 2000 else {
                throw Abort(.unprocessableEntity, reason: "data.\(key).value is longer than 2000 characters.")
            }
            if let color = field.color {
                // ASCII only: Character.isHexDigit also accepts fullwidth digits, which WeChat does not.
                guard color.count == 7, color.hasPrefix("#"), color.dropFirst().allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                    throw Abort(.unprocessableEntity, reason: "data.\(key).color must be #RRGGBB.")
                }
            }
            fields.append(.init(key, field.value, color: field.color))
        }
        if let idempotencyKey {
            guard (1...64).contains(idempotencyKey.count),
                  idempotencyKey.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue.map { $0 >= 33 && $0 < 127 } == true }) else {
                throw Abort(.unprocessableEntity, reason: "idempotency_key must be 1–64 visible ASCII characters.")
            }
        }
        self.templateID = templateID
        self.url = url
        self.miniProgram = miniProgram.map { TemplateMessage.MiniProgram(appID: $0.appID, pagePath: $0.pagePath) }
        self.fields = fields
        self.idempotencyKey = idempotencyKey
    }

    /// The message for one openid.
    func message(to openID: String) -> TemplateMessage {
        TemplateMessage(toUser: openID, templateID: templateID, url: url, miniProgram: miniProgram, data: fields)
    }

    static func isTokenCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_")
    }

    /// An openid as WeChat writes them: 1–64 letters, digits, - and _.
    static func isOpenID(_ value: String) -> Bool {
        (1...64).contains(value.count) && value.allSatisfy(isTokenCharacter)
    }
}
