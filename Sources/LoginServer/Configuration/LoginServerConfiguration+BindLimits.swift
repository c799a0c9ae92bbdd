extension LoginServerConfiguration {
    /// How many one-time codes may go out, and how many wrong codes may be tried, against one phone number or email
    /// address and against one account, per hour and per day (fixed UTC windows). Counted in the database, so every
    /// instance shares them.
    ///
    /// A person binding their own address needs one code and, after a typo, a second attempt; a few resends on a
    /// slow SMS day stay far below these. A guesser needs about 500,000 wrong codes on average to hit a 6-digit
    /// code: at 20 a day per account that is decades, whichever and however many WeChat identities they use.
    public struct BindLimits: Sendable, Equatable {
        /// Codes sent to one address in an hour.
        public var codesPerAddressPerHour = 5
        /// Codes sent to one address in a day.
        public var codesPerAddressPerDay = 10
        /// Codes sent to any address of one existing account in an hour.
        public var codesPerAccountPerHour = 5
        /// Codes sent to any address of one existing account in a day.
        public var codesPerAccountPerDay = 10
        /// Wrong codes typed against one address in an hour (two challenges' worth of attempts).
        public var failuresPerAddressPerHour = 10
        /// Wrong codes typed against one address in a day.
        public var failuresPerAddressPerDay = 20
        /// Wrong codes typed against any address of one existing account in an hour.
        public var failuresPerAccountPerHour = 10
        /// Wrong codes typed against any address of one existing account in a day.
        public var failuresPerAccountPerDay = 20

        /// The defaults above.
        public init() {}
    }
}
