import Foundation

extension LoginServerConfiguration {
    /// `TEMPLATE_MESSAGE_RETENTION_DAYS`, `INBOUND_EVENT_RETENTION_DAYS` and `PUSH_RELAY_RETENTION_HOURS`.
    static func retention(_ value: (String) -> String?) throws -> RetentionConfiguration {
        var retention = RetentionConfiguration()
        if let days = value(Variable.templateMessageRetentionDays) {
            guard let parsed = Int(days), (1...36_500).contains(parsed) else {
                throw EnvironmentError(description: "\(Variable.templateMessageRetentionDays) must be a whole number of days from 1 to 36500 (default 90)")
            }
            retention.templateMessages = TimeInterval(parsed) * 86_400
        }
        if let days = value(Variable.inboundEventRetentionDays) {
            guard let parsed = Int(days), (1...36_500).contains(parsed) else {
                throw EnvironmentError(description: "\(Variable.inboundEventRetentionDays) must be a whole number of days from 1 to 36500 (default 30)")
            }
            retention.inboundEvents = TimeInterval(parsed) * 86_400
        }
        if let hours = value(Variable.pushRelayRetentionHours) {
            guard let parsed = Int(hours), (1...8_760).contains(parsed) else {
                throw EnvironmentError(description: "\(Variable.pushRelayRetentionHours) must be a whole number of hours from 1 to 8760 (default 24)")
            }
            retention.pushRelays = TimeInterval(parsed) * 3_600
        }
        return retention
    }
}
