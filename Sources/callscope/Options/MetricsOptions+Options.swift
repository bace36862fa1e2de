import CallMetrics
import Foundation

extension MetricsOptions {
    /// The engine's options from a command's option groups; groups a command does not take
    /// keep the engine's defaults (the same as the options' defaults).
    init(timeZone: TimeZone, period: PeriodOptions, windows: HistoryWindowOptions? = nil,
         thresholds: KPIThresholdOptions? = nil, campaigns: [Campaign] = []) throws {
        self.init(timeZone: timeZone)
        (from, to) = try period.range(timeZone: timeZone)
        if let windows {
            repeatWindow = .seconds(Int64((windows.repeatWindow * 86_400).rounded()))
            callbackWindow = .seconds(Int64((windows.callbackWindow * 3600).rounded()))
        }
        if let thresholds {
            shortAbandon = .milliseconds(Int64((thresholds.shortAbandon * 1000).rounded()))
            serviceLevelThreshold = .milliseconds(Int64((thresholds.serviceLevelThreshold * 1000).rounded()))
            qualifiedTalk = .milliseconds(Int64((thresholds.qualifiedSeconds * 1000).rounded()))
            blockedTarget = thresholds.blockedTarget / 100
        }
        self.campaigns = campaigns
    }
}
