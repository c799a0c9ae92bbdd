import Foundation
import Vapor

/// Delivers pushes to an app's server URL: WeChat's query signature, the XML body encrypted per the app's mode,
/// a 5-second timeout; the answer is classified as WeChat would (spec §10.3).
struct HTTPPushDeliverer: PushDelivering {
    let client: any Client

    func deliver(app: SandboxConfiguration.App, openID: String, kind: PushEventKind, createdAt: Date, sentAt: Date) async
        -> PushAttemptResult {
        guard let serverURL = app.serverURL, var components = URLComponents(string: serverURL) else {
            return PushAttemptResult(acknowledged: false, responseStatus: nil, error: "no server URL")
        }
        let token = app.token ?? ""
        let mode = PushEnvelope.Mode(rawValue: app.encryptionMode.rawValue) ?? .plaintext
        let toUser = app.originalID ?? app.appID
        let inner = Self.innerXML(kind: kind, toUserName: toUser, openID: openID, createTime: Int(createdAt.timeIntervalSince1970))
        let envelope: PushEnvelope
        do {
            envelope = try PushEnvelope.make(
                innerXML: inner, toUserName: toUser, openID: openID, token: token, appID: app.appID,
                encodingAESKey: app.encodingAESKey, mode: mode, timestamp: Int(sentAt.timeIntervalSince1970),
                nonce: String(UInt32.random(in: 100_000_000...999_999_999)),
                random: (0..<16).map { _ in UInt8.random(in: .min ... .max) })
        } catch {
            return PushAttemptResult(acknowledged: false, responseStatus: nil, error: "push could not be encrypted")
        }
        components.queryItems = (components.queryItems ?? []) + envelope.queryItems.map { URLQueryItem(name: $0.0, value: $0.1) }
        guard let url = components.string else {
            return PushAttemptResult(acknowledged: false, responseStatus: nil, error: "invalid server URL")
        }
        do {
            let response = try await client.post(URI(string: url)) { request in
                request.headers.replaceOrAdd(name: .contentType, value: "text/xml")
                request.body = ByteBuffer(string: envelope.body)
                request.timeout = .seconds(5)
            }
            let body = response.body.map { String(buffer: $0) } ?? ""
            let status = Int(response.status.code)
            let verdict = classifyPushResponse(
                status: status, body: body, mode: mode, token: token, appID: app.appID, encodingAESKey: app.encodingAESKey)
            switch verdict {
            case .success, .empty: return PushAttemptResult(acknowledged: true, responseStatus: status, error: nil)
            case .reply(let xml): return PushAttemptResult(acknowledged: true, responseStatus: status, error: nil, reply: xml)
            case .invalid(let reason): return PushAttemptResult(acknowledged: false, responseStatus: status, error: reason)
            }
        } catch {
            return PushAttemptResult(acknowledged: false, responseStatus: nil, error: "transport error or timeout")
        }
    }

    static func innerXML(kind: PushEventKind, toUserName: String, openID: String, createTime: Int) -> String {
        switch kind {
        case .subscribe: PushXML.subscribe(toUserName: toUserName, fromOpenID: openID, createTime: createTime)
        case .qrSubscribe(let event):
            PushXML.subscribe(
                toUserName: toUserName, fromOpenID: openID, createTime: createTime, eventKey: "qrscene_" + event.scene,
                ticket: event.ticket)
        case .scan(let event):
            PushXML.scan(toUserName: toUserName, fromOpenID: openID, createTime: createTime, eventKey: event.scene, ticket: event.ticket)
        case .unsubscribe: PushXML.unsubscribe(toUserName: toUserName, fromOpenID: openID, createTime: createTime)
        case .templateSendJobFinish(let msgID, let status):
            PushXML.templateSendJobFinish(toUserName: toUserName, fromOpenID: openID, createTime: createTime, msgID: msgID, status: status)
        case .text(let content, let msgID):
            PushXML.text(toUserName: toUserName, fromOpenID: openID, createTime: createTime, content: content, msgID: msgID)
        case .click(let key):
            PushXML.click(toUserName: toUserName, fromOpenID: openID, createTime: createTime, key: key)
        }
    }
}
