import CoreMetrics
import Fluent
import Foundation
import Logging
import WeChatKit

/// Passes the pushes the server does not consume on to the business's own handler and brings its passive reply
/// back, inside WeChat's five seconds.
///
/// The first arrival of a push claims it in `push_relays` and forwards it; the handler has until the push's arrival
/// plus the timeout (4 s). Its reply is stored and answered; past the deadline, or when the handler is unreachable
/// or answers something WeChat would not accept, WeChat gets `success` (so it does not retry, and the person sees
/// nothing rather than "cannot provide service"), and a late answer is dropped: the request is cancelled. A repeat
/// of the push — WeChat's retry, at any instance — is never forwarded again: it is answered from the row (the same
/// reply, or `success`), waiting while the first arrival is still relaying, up to its own deadline.
struct PushRelay: Sendable {
    let configuration: PushRelayConfiguration
    /// The handler's Token, key and mode (unset ones are the account's).
    let handler: MessageServer.Configuration
    let transport: any RelayTransport
    let clock: any ServerClock

    /// What to answer WeChat.
    enum Answer: Sendable, Hashable {
        /// `success`: nothing for the person.
        case success
        /// The handler's passive reply as plaintext XML, to be encrypted in the account's mode.
        case reply(String)
    }

    init(configuration: PushRelayConfiguration, account: MessageServer.Configuration, transport: any RelayTransport,
         clock: any ServerClock) {
        self.configuration = configuration
        self.handler = configuration.handlerServer(account: account)
        self.transport = transport
        self.clock = clock
    }

    /// Whether this push goes to the handler: what the server does not consume, and with `forwardConsumed` all.
    func forwards(_ consumption: PushConsumption) -> Bool {
        !consumption.isConsumed || configuration.forwardConsumed
    }

    /// Relays the first arrival of a push (`key` is its `PushConsumption.key`) that arrived at `arrival`.
    func relay(_ push: MessageServerPush, key: String, arrival: ContinuousClock.Instant, on database: any Database,
               logger: Logger) async -> Answer {
        let store = PushRelayStore(database: database)
        do {
            guard try await store.claim(key: key, at: clock.now()) else {
                return await answerRepeat(key: key, arrival: arrival, on: database, logger: logger)
            }
        } catch {
            logger.error("relay claim failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return .success
        }
        let deadline = arrival.advanced(by: configuration.timeout)
        let outcome = await forward(push, until: deadline)
        let (state, reply, answer): (PushRelayStore.State, String?, Answer) = switch outcome {
        case .answered(.reply(let xml)): (.replied, xml, .reply(xml))
        case .answered(.acknowledged): (.acknowledged, nil, .success)
        default: (.failed, nil, .success)
        }
        var metadata: Logger.Metadata = ["type": "\(push.message.msgType)", "event": "\(push.message.fields["Event"] ?? "-")",
                                         "outcome": "\(outcome.name)"]
        switch outcome {
        case .answered(.refused(let reason)):
            metadata["reason"] = "\(reason)"
            logger.warning("relay handler's answer refused; WeChat gets success", metadata: metadata)
        case .timedOut:
            logger.warning("relay handler too slow; WeChat gets success and a late answer is dropped", metadata: metadata)
        case .unreachable(let reason):
            metadata["reason"] = "\(reason)"
            logger.warning("relay handler unreachable; WeChat gets success", metadata: metadata)
        case .answered:
            logger.info("wechat push relayed", metadata: metadata)
        }
        ServerMetrics.relay(outcome.name)
        do {
            try await store.finish(key: key, state: state, reply: reply, at: clock.now())
        } catch {
            logger.error("relay outcome not stored", metadata: ["error": "\(String(reflecting: type(of: error)))"])
        }
        return answer
    }

    /// Answers a repeat of a push (WeChat's retry, or the same push at two instances at once) from its row, waiting
    /// — polling, up to this arrival's deadline — while the first arrival is still relaying it or has not claimed it
    /// yet. Never forwards: past the deadline the answer is `success`.
    func answerRepeat(key: String, arrival: ContinuousClock.Instant, on database: any Database,
                      logger: Logger) async -> Answer {
        let deadline = arrival.advanced(by: configuration.timeout)
        let store = PushRelayStore(database: database)
        do {
            while true {
                let record = try await store.find(key: key)
                switch record?.state {
                case .replied?:
                    logger.info("wechat push repeated; answered with the handler's stored reply")
                    return record?.reply.map(Answer.reply) ?? .success
                case .acknowledged?, .failed?:
                    return .success
                case .relaying?, nil:
                    guard ContinuousClock.now.advanced(by: configuration.pollInterval) < deadline else {
                        logger.warning("wechat push repeated while not relayed yet; WeChat gets success",
                                       metadata: ["relaying": "\(record != nil)"])
                        return .success
                    }
                    try await Task.sleep(for: configuration.pollInterval)
                }
            }
        } catch {
            logger.error("relay state unreadable", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return .success
        }
    }

    /// How one forward ended.
    enum Outcome: Sendable {
        case answered(RelayReply)
        case timedOut
        case unreachable(String)

        /// The metric's and log's label.
        var name: String {
            switch self {
            case .answered(.reply): "replied"
            case .answered(.acknowledged): "acknowledged"
            case .answered(.refused): "refused"
            case .timedOut: "timeout"
            case .unreachable: "unreachable"
            }
        }
    }

    /// Sends the push and judges the answer, racing the deadline: whichever ends first wins, the other is cancelled.
    func forward(_ push: MessageServerPush, until deadline: ContinuousClock.Instant) async -> Outcome {
        let request: RelayRequest
        do {
            request = try RelayRequest.make(push, handlerURL: configuration.handlerURL, handler: handler)
        } catch {
            return .unreachable("the push could not be prepared: \(error)")
        }
        let transport = transport
        let handler = handler
        let maxBytes = configuration.maxReplyBytes
        return await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    let response = try await transport.send(request, maxBodyBytes: maxBytes,
                                                            timeout: ContinuousClock.now.duration(to: deadline))
                    return .answered(RelayReply.judge(status: response.status, body: response.body, handler: handler,
                                                      maxBytes: maxBytes))
                } catch {
                    if ContinuousClock.now >= deadline || Task.isCancelled { return .timedOut }
                    return .unreachable(String(reflecting: type(of: error)))
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
    }
}

extension ServerMetrics {
    /// One push relayed to the business's handler: `wechat_login_relay_pushes_total{outcome}` (`replied`,
    /// `acknowledged`, `refused`, `timeout`, `unreachable`).
    static func relay(_ outcome: String) {
        Counter(label: "wechat_login_relay_pushes_total", dimensions: [("outcome", outcome)]).increment()
    }
}
