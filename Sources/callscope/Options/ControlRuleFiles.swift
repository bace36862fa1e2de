import ArgumentParser
import CallMetrics
import SiteConfiguration

/// The control rules and shifts files of `events` and `report --format html`, loaded and
/// checked once: a rule needing shifts without `--shifts`, or a KPI rule by campaign without
/// `--campaigns`, is a usage error naming the rule.
enum ControlRuleFiles {
    static func load(rules: String, shifts: String?, hasCampaigns: Bool) throws -> (rules: [ControlRule], shifts: [Shift]) {
        let ruleList: [ControlRule], shiftList: [Shift]
        do throws(ConfigurationError) {
            ruleList = try ControlRulesFile.load(rules)
            shiftList = try shifts.map(ShiftsFile.load) ?? []
        } catch { throw CommandFailure.configuration(error) }
        if shifts == nil, let rule = ruleList.first(where: { $0.kind.needsShifts }) {
            throw ValidationError("Rule '\(rule.name)' (\(rule.kind.name)) needs --shifts FILE.")
        }
        if !hasCampaigns, let rule = ruleList.first(where: { if case .kpi(let w) = $0.kind { w.by == .campaign } else { false } }) {
            throw ValidationError("Rule '\(rule.name)' (kpi by campaign) needs --campaigns FILE.")
        }
        return (ruleList, shiftList)
    }
}
