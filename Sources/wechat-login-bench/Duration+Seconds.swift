extension Duration {
    /// The duration in fractional seconds, for rates and reports.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
