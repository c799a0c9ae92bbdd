extension MessageServer {
    /// The console's "server configuration" for one account, plus the replay window and XML limits.
    ///
    /// The description is redacted: the token and the keys never appear in it.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The console's message encryption mode.
        public enum Mode: Sendable, Hashable {
            /// Plaintext pushes only; an encrypted push is refused.
            case plaintext
            /// Both plaintext and encrypted pushes (`encrypt_type=aes` is decrypted).
            case compatible
            /// Encrypted pushes only; a plaintext push is refused.
            case safe
        }

        /// The console's Token (a shared secret for the signatures).
        public var token: String
        /// The account's AppID, which must end every decrypted message.
        public var appID: String
        /// The encryption mode (default `.plaintext`).
        public var mode: Mode
        /// The current EncodingAESKey (required in compatible and safe mode).
        public var encodingAESKey: EncodingAESKey?
        /// The previous EncodingAESKey, accepted during a rotation.
        public var previousEncodingAESKey: EncodingAESKey?
        /// How far a request's `timestamp` may be from now (default ±300 s).
        public var timestampWindow: MessageTimestampWindow
        /// The XML limits, which also bound the body size (default 64 KiB, depth 8, 512 elements).
        public var xml: XMLPushParser.Configuration
        /// The longest accepted `nonce`, in bytes (default 128).
        public var maxNonceBytes: Int
        /// The longest accepted `echostr`, in bytes (default 512).
        public var maxEchostrBytes: Int

        /// Creates a configuration; every default is the documented one.
        public init(
            token: String,
            appID: String,
            mode: Mode = .plaintext,
            encodingAESKey: EncodingAESKey? = nil,
            previousEncodingAESKey: EncodingAESKey? = nil,
            timestampWindow: MessageTimestampWindow = MessageTimestampWindow(),
            xml: XMLPushParser.Configuration = XMLPushParser.Configuration(),
            maxNonceBytes: Int = 128,
            maxEchostrBytes: Int = 512
        ) {
            self.token = token
            self.appID = appID
            self.mode = mode
            self.encodingAESKey = encodingAESKey
            self.previousEncodingAESKey = previousEncodingAESKey
            self.timestampWindow = timestampWindow
            self.xml = xml
            self.maxNonceBytes = maxNonceBytes
            self.maxEchostrBytes = maxEchostrBytes
        }

        /// A redacted description.
        public var description: String {
            "MessageServer.Configuration(appID: \(appID), mode: \(mode), token: <redacted>, keys: <redacted>)"
        }
    }
}
