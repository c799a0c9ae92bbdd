import Foundation
import Vapor

/// What a follower does in an account's chat: sends a text, or presses a `click` menu button.
enum ChatAction: Sendable, Equatable {
    case text(String)
    case click(String)

    /// Longest text message the sandbox accepts, in characters.
    static let maximumTextLength = 2048
}

/// Why a chat action was refused (nothing pushed).
enum ChatFailure: Error, Sendable, Equatable {
    /// Not an official account, or the user does not follow it.
    case notFollowing
    /// Empty text, or longer than `ChatAction.maximumTextLength`.
    case invalidText
    /// The account's menu has no `click` button with that key.
    case unknownButton
}

extension Sandbox {
    /// Pushes a follower's text (`MsgType=text` with a new `MsgId`) or menu click (`Event=CLICK`) to the account's
    /// server, waiting for the first delivery attempt; answers the push record with the passive reply, if any.
    func chat(_ action: ChatAction, userID: String, appID: String, client: any Client) async throws(ChatFailure) -> PushRecord {
        guard let app = await state.apps[appID], app.kind != .website,
              await state.followRecord(appID: appID, userID: userID)?.subscribed == true else { throw .notFollowing }
        let kind: PushEventKind
        switch action {
        case .text(let text):
            guard !text.isEmpty, text.count <= ChatAction.maximumTextLength else { throw .invalidText }
            kind = .text(content: text, msgID: Identifiers.msgID())
        case .click(let key):
            guard app.menu.contains(where: { $0.type == .click && $0.key == key }) else { throw .unknownButton }
            kind = .click(key: key)
        }
        return await pushes.dispatch(appID: appID, userID: userID, kind: kind, client: client, waitForFirstAttempt: true)
    }
}
