import CallMetrics
import Foundation

extension MetricsOptions {
    /// The engine's options from the run's effective settings (options over the site profile
    /// over the defaults, ``SiteSettings``) and the counted period.
    init(site: SiteSettings, period: PeriodOptions, campaigns: [Campaign] = []) throws {
        self.init(timeZone: site.timeZone)
        (from, to) = try period.range(timeZone: site.timeZone)
        repeatWindow = .seconds(Int64((site.repeatWindowDays.value * 86_400).rounded()))
        callbackWindow = .seconds(Int64((site.callbackWindowHours.value * 3600).rounded()))
        shortAbandon = .milliseconds(Int64((site.shortAbandonSeconds.value * 1000).rounded()))
        serviceLevelThreshold = .milliseconds(Int64((site.serviceLevelSeconds.value * 1000).rounded()))
        qualifiedTalk = .milliseconds(Int64((site.qualifiedSeconds.value * 1000).rounded()))
        blockedTarget = site.blockedTargetPercent.value / 100
        self.campaigns = campaigns
    }
}
