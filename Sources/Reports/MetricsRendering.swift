import CallMetrics
import CallModel

/// The `report` figures as records and tables (README "Metrics"; keys as in docs/metrics.md).
///
/// Rates are fractions from 0 to 1 in JSON and CSV (4 decimals) and percentages in the table;
/// seconds have 3 decimals; null stays null (a ratio with no denominator).
public enum KPIRendering {
    /// The metric keys, in output order: those `record` writes (the one place they are spelled).
    public static let keys: [String] = record(key: nil, KPIs()).map(\.name)

    /// One record: `key` (when given) then every metric key.
    public static func record(key: String?, _ k: KPIs) -> Record {
        func fraction(_ value: Double?) -> FieldValue { value.map { .decimal(format($0, 4)) } ?? .null }
        func seconds(_ value: Double?) -> FieldValue { value.map { .decimal(format($0, 3)) } ?? .null }
        var record: Record = key.map { [("key", FieldValue.string($0))] } ?? []
        record += [
            ("offered", .integer(k.offered)), ("answered", .integer(k.answered)), ("asr", fraction(k.asr)),
            ("completion_rate", fraction(k.completionRate)), ("blocked_rate", fraction(k.blockedRate)),
            ("abandonment_rate", fraction(k.abandonmentRate)), ("asa_s", seconds(k.asaSeconds)),
            ("asa_p90_s", seconds(k.asaP90Seconds)), ("service_level", fraction(k.serviceLevel)),
            ("pdd_ms", k.pddMilliseconds.map { .decimal(format($0, 1)) } ?? .null), ("acd_s", seconds(k.acdSeconds)),
            ("talk_min", .decimal(format(k.talkMinutes, 3))), ("first_time_callers", .integer(k.firstTimeCallers)),
            ("repeat_callers", .integer(k.repeatCallers)), ("lost_calls", .integer(k.lostCalls)),
            ("callback_rate", fraction(k.callbackRate)), ("callback_median_s", seconds(k.callbackMedianSeconds)),
            ("qualified_calls", .integer(k.qualifiedCalls)), ("ivr_dropoffs", .integer(k.ivrDropoffs)),
            ("ner", fraction(k.ner)), ("longest_wait_s", seconds(k.longestWaitSeconds)),
            ("mean_time_to_abandon_s", seconds(k.meanTimeToAbandonSeconds)), ("transfer_rate", fraction(k.transferRate)),
        ]
        return record
    }

    /// The numbers behind a row's KPIs: numerators and denominators, the median wait, the
    /// abandon-time distribution, and counts, answer rate and ASA per caller class.
    public static func details(_ d: KPIDetails) -> FieldValue {
        func fraction(_ value: Double?) -> FieldValue { value.map { .decimal(format($0, 4)) } ?? .null }
        func seconds(_ value: Double?) -> FieldValue { value.map { .decimal(format($0, 3)) } ?? .null }
        func callers(_ g: CallerGroupStats) -> FieldValue {
            .object([("calls", .integer(g.calls)), ("answered", .integer(g.answered)), ("answer_rate", fraction(g.answerRate)), ("asa_s", seconds(g.asaSeconds))])
        }
        let bounds = AbandonTimeDistribution.binLowerBounds
        let bins: [FieldValue] = bounds.indices.map { i in
            let label = i + 1 < bounds.count ? "\(bounds[i])-\(bounds[i + 1])" : "\(bounds[i])+"
            return .object([("seconds", .string(label)), ("abandons", .integer(d.abandonTimes.counts[i]))])
        }
        return .object([
            ("inbound", .integer(d.inbound)), ("blocked", .integer(d.blocked)), ("abandoned", .integer(d.abandoned)),
            ("short_abandons", .integer(d.shortAbandons)), ("redirected", .integer(d.redirected)),
            ("completed", .integer(d.completed)), ("attempted", .integer(d.attempted)),
            ("service_level_answered", .integer(d.serviceLevelAnswered)), ("service_level_base", .integer(d.serviceLevelBase)),
            ("asa_p50_s", seconds(d.asaP50Seconds)),
            ("abandon_times", .object([("bins", .array(bins)), ("p50_s", seconds(d.abandonTimes.p50Seconds)), ("p90_s", seconds(d.abandonTimes.p90Seconds))])),
            ("callers", .object([("first_time", callers(d.firstTime)), ("repeat", callers(d.repeatCalls)), ("withheld", callers(d.withheld))])),
            ("lost_returned", .integer(d.lostReturned)), ("lost_withheld", .integer(d.lostWithheld)),
            ("ivr_dropoffs", .integer(d.ivrDropoffs)),
            ("effective_calls", .integer(d.effectiveCalls)), ("seizures", .integer(d.seizures)),
            ("transferred_calls", .integer(d.transferredCalls)),
        ])
    }

    /// The `report --format json` object: `overall`, `group_by`, `groups` (each row: the metric
    /// keys plus `details`), and the blocked-rate target check.
    public static func json(_ report: MetricsReport) -> FieldValue {
        func row(_ key: String?, _ row: MetricsRow) -> FieldValue {
            .object(record(key: key, row.kpis).map { ($0.name, $0.value) } + [("details", details(row.details))])
        }
        return .object([
            ("overall", row(nil, report.overall)),
            ("group_by", report.groupBy.map { .string($0.rawValue) } ?? .null),
            ("groups", .array(report.groups.map { row($0.key, $0) })),
            ("blocked_target", .decimal(format(report.blockedTarget, 4))),
            ("blocked_above_target", .bool(report.blockedAboveTarget)),
            ("service_level_definition", .string(MetricsReport.serviceLevelDefinition)),
            ("direction_unknown_calls", .integer(Int64(report.directionCoverage.unknown))),
            ("warnings", .array(report.directionCoverage.warning.map { [.string($0)] } ?? [])),
        ])
    }

    /// The KPI table for people: one line for all calls, then one per group.
    public static func table(_ report: MetricsReport) -> String {
        var table = TextTable(columns: [
            .init(report.groupBy?.rawValue ?? "calls", maxWidth: 24), .init("offered", .right), .init("answered", .right),
            .init("ASR", .right), .init("compl", .right), .init("blocked", .right), .init("aband", .right),
            .init("ASA s", .right), .init("p90 s", .right), .init("SL", .right), .init("ACD s", .right),
            .init("talk min", .right), .init("first", .right), .init("repeat", .right), .init("lost", .right),
            .init("cb rate", .right), .init("cb med s", .right), .init("qualified", .right),
            .init("IVR drop", .right), .init("NER", .right), .init("max wait s", .right), .init("MTTA s", .right),
            .init("xfer", .right),
        ])
        func row(_ key: String, _ k: KPIs) -> [String] {
            [key, String(k.offered), String(k.answered), percent(k.asr), percent(k.completionRate), percent(k.blockedRate),
             percent(k.abandonmentRate), number(k.asaSeconds, 1), number(k.asaP90Seconds, 1), percent(k.serviceLevel),
             number(k.acdSeconds, 1), number(k.talkMinutes, 1), String(k.firstTimeCallers), String(k.repeatCallers),
             String(k.lostCalls), percent(k.callbackRate), number(k.callbackMedianSeconds, 0), String(k.qualifiedCalls),
             String(k.ivrDropoffs), percent(k.ner), number(k.longestWaitSeconds, 0), number(k.meanTimeToAbandonSeconds, 1),
             percent(k.transferRate)]
        }
        table.append(row("all", report.overall.kpis))
        for group in report.groups { table.append(row(group.key, group.kpis)) }
        var out = table.render()
        let d = report.overall.details
        out += "\nInbound callers      calls  answer rate  ASA s\n"
        for (name, g) in [("first-time", d.firstTime), ("repeat", d.repeatCalls), ("withheld", d.withheld)] {
            out += name.padding(to: 19) + String(g.calls).leftPadding(to: 7) + percent(g.answerRate).leftPadding(to: 13) + number(g.asaSeconds, 1).leftPadding(to: 7) + "\n"
        }
        if d.abandoned > 0 {
            let bounds = AbandonTimeDistribution.binLowerBounds
            let bins = bounds.indices.map { i in (i + 1 < bounds.count ? "\(bounds[i])-\(bounds[i + 1])s" : "\(bounds[i])s+") + ": \(d.abandonTimes.counts[i])" }
            out += "\nAbandon times (\(d.abandoned) abandons, p50 \(number(d.abandonTimes.p50Seconds, 1)) s, p90 \(number(d.abandonTimes.p90Seconds, 1)) s): " + bins.joined(separator: ", ") + "\n"
        }
        if report.blockedAboveTarget, let rate = report.overall.kpis.blockedRate {
            out += "\nBlocked-call rate \(percent(rate)) is above the \(percent(report.blockedTarget)) target.\n"
        }
        out += "\nService level: \(MetricsReport.serviceLevelDefinition)\n"
        if let warning = report.directionCoverage.warning { out += "\nWarning: \(warning)\n" }
        return out
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "-" }
        return format(value * 100, 1) + "%"
    }

    static func number(_ value: Double?, _ decimals: Int) -> String {
        value.map { format($0, decimals) } ?? "-"
    }

    /// Fixed decimals without Foundation, rounded half away from zero.
    static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let integer = Int64(scaled)
        let divisor = Int64(scale)
        let whole = String(integer / divisor)
        let sign = value < 0 && integer != 0 ? "-" : ""
        guard decimals > 0 else { return sign + whole }
        let fraction = String(integer % divisor)
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}

/// The weekday x hour grid of `heatmap`: shaded cells for people, one record per cell for machines.
public enum HeatmapRendering {
    /// Shading from light to dark for the table, by the cell's share of the largest value.
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    public static func table(_ heatmap: Heatmap) -> String {
        let values = heatmap.cells.flatMap { $0.compactMap(\.value) }
        let maxValue = values.max() ?? 0
        var out = "      " + (0..<24).map { $0 % 3 == 0 ? String($0).padding(to: 3) : "   " }.joined() + "\n"
        for (day, row) in heatmap.cells.enumerated() {
            out += Heatmap.weekdays[day].padding(to: 6)
            for cell in row {
                guard cell.calls > 0 else { out += " · "; continue }
                let value = cell.value ?? 0
                let level = maxValue > 0 ? min(shades.count - 1, Int((value / maxValue) * Double(shades.count - 1) + 0.5)) : 0
                let shade = shades[max(level, value > 0 ? 1 : 0)]
                out += String(repeating: shade, count: 3)
            }
            out += "\n"
        }
        let unit: String
        switch heatmap.metric {
        case .volume: unit = "calls"
        case .answerRate: unit = "answer rate"
        case .asa: unit = "ASA seconds"
        }
        let top = heatmap.metric == .answerRate ? KPIRendering.percent(maxValue) : KPIRendering.format(maxValue, heatmap.metric == .asa ? 1 : 0)
        out += "\n\(unit) by weekday and hour (\(heatmap.direction?.rawValue ?? "all directions")); darkest = \(top); · = no calls\n"
        return out
    }

    /// One record per weekday and hour: `weekday`, `hour`, `value`, `calls`, `answered`.
    public static func records(_ heatmap: Heatmap) -> [Record] {
        heatmap.cells.enumerated().flatMap { day, row in
            row.enumerated().map { hour, cell -> Record in
                [("weekday", .string(Heatmap.weekdays[day])), ("hour", .integer(hour)),
                 ("value", cell.value.map { heatmap.metric == .volume ? .integer(Int64($0)) : .decimal(KPIRendering.format($0, 4)) } ?? .null),
                 ("calls", .integer(cell.calls)), ("answered", .integer(cell.answered))]
            }
        }
    }
}

/// The `lost` list: every unanswered inbound call and what happened next.
public enum LostCallRendering {
    public static let fields = ["call_id", "start", "caller", "dialed", "queue", "outcome", "wait_s", "withheld", "returned", "by", "agent", "delay_s", "return_call_id", "callback_attempts"]

    /// The fields of a lost call's record with `time`: `start_local` last when it is local.
    public static func fields(time: SiteTime) -> [String] { time.isLocal ? fields + ["start_local"] : fields }

    /// The record of `lost`, with `start_local` on the site's clock when `time` is local.
    public static func record(_ lost: LostCall, time: inout SiteTime) -> Record {
        (time.isLocal ? record(lost) + [("start_local", .string(time.iso8601(lost.start)))] : record(lost))
            + CallRecord.attributionRecord(lost.attribution)
    }

    /// The fields of the records of `lost`: ``CallRecord/attributionFields`` last when any has an attribution.
    public static func fields(time: SiteTime, lost: [LostCall]) -> [String] {
        fields(time: time) + (lost.contains { $0.attribution != nil } ? CallRecord.attributionFields : [])
    }

    public static func record(_ lost: LostCall) -> Record {
        [("call_id", .string(lost.callID)), ("start", .time(lost.start)), ("caller", .string(lost.caller)),
         ("dialed", .string(lost.dialed)), ("queue", .string(lost.queue)), ("outcome", .string(lost.outcome)),
         ("wait_s", lost.waitSeconds.map { .decimal(KPIRendering.format($0, 3)) } ?? .null), ("withheld", .bool(lost.withheld)),
         ("returned", .string(lost.returned.rawValue)), ("by", .string(lost.by)), ("agent", .string(lost.agent)),
         ("delay_s", lost.delaySeconds.map { .decimal(KPIRendering.format($0, 3)) } ?? .null),
         ("return_call_id", .string(lost.returnCallID)), ("callback_attempts", .integer(lost.callbackAttempts))]
    }

    /// The lost calls for people; with `coverage`, a last line warns when calls in range have
    /// an unknown direction (they cannot be lost calls, README "Direction").
    /// Times on the site's clock of `time`; the footer states the period and zone: `requested`
    /// where given, else the span of `starts` (every call looked at, lost or not). Columns kept first on a narrow terminal: start, caller, returned,
    /// wait s, outcome, after, by, queue, dialed, tries.
    public static func table(_ lost: [LostCall], coverage: DirectionCoverage? = nil, time: SiteTime = .utc,
                             starts: [Timestamp] = [], requested: (from: Timestamp?, to: Timestamp?)? = nil, width: TextTable.Width = .columnLimits) -> String {
        var time = time
        var table = TextTable(columns: [
            .init("start (\(time.label))", priority: 0, minWidth: 19), .init("caller", maxWidth: 18, priority: 1, minWidth: 8),
            .init("dialed", maxWidth: 18, priority: 8), .init("queue", maxWidth: 12, priority: 7),
            .init("outcome", priority: 4), .init("wait s", .right, priority: 3), .init("returned", priority: 2),
            .init("by", maxWidth: 20, priority: 6), .init("after", .right, priority: 5), .init("tries", .right, priority: 9),
        ])
        for call in lost {
            table.append([
                time.tableText(call.start, milliseconds: false), call.caller ?? "withheld", call.dialed ?? "-",
                call.queue ?? "-", call.outcome, call.waitSeconds.map { KPIRendering.format($0, 1) } ?? "-",
                call.returned.rawValue, call.by ?? "-", call.delaySeconds.map(duration) ?? "-", String(call.callbackAttempts),
            ])
        }
        let open = lost.filter { $0.returned == .none && !$0.withheld }.count
        let warning = coverage?.warning.map { "\nWarning: \($0)\n" } ?? ""
        let period = time.period(starts: starts.isEmpty ? lost.map(\.start) : starts, requested: requested)
        return table.render(width: width) + "\n\(lost.count) lost calls, \(open) not returned yet, calls \(period)\n" + warning
    }

    /// `1h 05m`, `12m 30s`, `45s`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h " + String(format2(s % 3600 / 60)) + "m" }
        if s >= 60 { return "\(s / 60)m " + String(format2(s % 60)) + "s" }
        return "\(s)s"
    }

    static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func leftPadding(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
