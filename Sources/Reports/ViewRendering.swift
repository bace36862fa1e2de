import CallMetrics
import CallModel

/// Records of the `report --view` figures (agents, outbound, campaigns) and a table of any
/// records for people.
public enum ViewRendering {
    /// `report --view agents`: one record per agent and local day (docs/metrics.md "Agents").
    public static func agentRecords(_ days: [AgentDay]) -> [Record] {
        days.map { d in
            [("agent", .string(d.agent)), ("day", .string(d.day)), ("inbound_received", .integer(d.inboundReceived)),
             ("inbound_missed", .integer(d.inboundMissed)), ("outbound_answered", .integer(d.outboundAnswered)),
             ("outbound_not_answered", .integer(d.outboundNotAnswered)), ("talk_min", .decimal(KPIRendering.format(d.talkMinutes, 3))),
             ("asa_s", d.asaSeconds.map { .decimal(KPIRendering.format($0, 3)) } ?? .null), ("active_hours", .integer(d.activeHours)),
             ("calls_per_hour", d.callsPerHour.map { .decimal(KPIRendering.format($0, 3)) } ?? .null)]
        }
    }

    /// `report --view outbound`: cold against follow-up answer rates, overall then per agent.
    public static func outboundRecords(_ rates: OutboundAnswerRates) -> [Record] {
        func rows(_ scope: String, _ cold: AnswerCount, _ followUp: AnswerCount) -> [Record] {
            [("cold", cold), ("follow_up", followUp)].map { kind, count in
                [("agent", .string(scope)), ("kind", .string(kind)), ("calls", .integer(count.calls)),
                 ("answered", .integer(count.answered)), ("answer_rate", count.rate.map { .decimal(KPIRendering.format($0, 4)) } ?? .null)]
            }
        }
        return rows("all", rates.cold, rates.followUp) + rates.agents.flatMap { rows($0.agent, $0.cold, $0.followUp) }
    }

    /// `report --view campaigns`: every campaign in rule order, then `(unattributed)`.
    public static func campaignRecords(_ report: CampaignReport) -> [Record] {
        func money(_ value: Double?) -> FieldValue { value.map { .decimal(KPIRendering.format($0, 2)) } ?? .null }
        return (report.campaigns + [report.unattributed]).map { c in
            [("campaign", .string(c.name)), ("channel", .string(c.channel)), ("calls", .integer(c.calls)),
             ("first_time_callers", .integer(c.firstTimeCallers)), ("answered", .integer(c.answered)),
             ("qualified_calls", .integer(c.qualifiedCalls)), ("conversion", c.conversion.map { .decimal(KPIRendering.format($0, 4)) } ?? .null),
             ("cost", money(c.cost)), ("cost_per_call", money(c.costPerCall)), ("cost_per_qualified", money(c.costPerQualified)),
             ("revenue", money(c.revenue)), ("roi", c.roi.map { .decimal(KPIRendering.format($0, 4)) } ?? .null)]
        }
    }

    /// The fields of the view records that are rates: fractions 0-1 in JSON, ndjson and CSV (as
    /// the KPI records), percentages in tables (as the KPI table).
    public static let rateFields: Set<String> = ["conversion", "roi", "answer_rate", "share"]

    /// Any records as a table: one column per field, numbers right-aligned, null as `-`;
    /// ``rateFields`` shown as percentages (`12.5%`).
    public static func table(_ records: [Record], empty: String) -> String {
        guard let first = records.first else { return empty + "\n" }
        var table = TextTable(columns: first.map { field in
            switch field.value {
            case .integer, .decimal, .seconds: TextTable.Column(field.name, .right, maxWidth: 28)
            default: TextTable.Column(field.name, maxWidth: 28)
            }
        })
        for record in records {
            table.append(record.map { field in
                switch field.value {
                case .string(let s): s
                case .integer(let i): String(i)
                case .decimal(let d): rateFields.contains(field.name) ? Double(d).map { KPIRendering.percent($0) } ?? d : d
                case .time(let t): t.iso8601
                case .seconds(let d): d.seconds3
                case .bool(let b): b ? "yes" : "no"
                case .null: "-"
                case .array, .object:
                    String(decoding: { var json: [UInt8] = []; JSONWriter.append(field.value, to: &json); return json }(), as: UTF8.self)
                }
            })
        }
        return table.render()
    }
}
