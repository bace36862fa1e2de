import CallMetrics
import CallModel
import Foundation
import Reports

/// The JSON routes: the same bytes as the commands write (`report -f json`, `calls -f json`,
/// `lost -f json`), with the commands' option names as query parameters.
struct DashboardAPI: Sendable {
    let pages: DashboardPages

    static let reportParameters: Set<String> = ["from", "to", "by", "view", "timezone"]

    /// `/api/report?from=&to=&by=&view=&timezone=`: `report -f json` of the range.
    func report(_ parameters: QueryParameters) throws(DashboardError) -> [UInt8] {
        var configuration = pages.configuration
        if let name = parameters.value("timezone") {
            guard let zone = TimeZone(identifier: name) else { throw DashboardError(.badRequest, "timezone '\(String(name.prefix(40)))' is not an IANA time zone (e.g. Europe/London).") }
            configuration.options.timeZone = zone
        }
        let pages = DashboardPages(configuration: configuration, store: pages.store)
        let range = try pages.range(parameters)
        let options = pages.options(range)
        var by: GroupBy?
        if let text = parameters.value("by") {
            guard let value = GroupBy(rawValue: text) else {
                throw DashboardError(.badRequest, "by '\(String(text.prefix(40)))' is not one of: \(GroupBy.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            if value == .campaign, options.campaigns.isEmpty { throw DashboardError(.badRequest, "by=campaign needs campaigns (serve --campaigns or the site profile).") }
            by = value
        }
        let view = parameters.value("view") ?? "kpis"
        guard ["kpis", "agents", "outbound", "campaigns", "attribution"].contains(view) else {
            throw DashboardError(.badRequest, "view '\(String(view.prefix(40)))' is not one of: kpis, agents, outbound, campaigns, attribution.")
        }
        if view == "attribution", let by, !DashboardPages.visitFields.contains(by) {
            throw DashboardError(.badRequest, "view=attribution groups by one of: \(DashboardPages.visitFields.map(\.rawValue).joined(separator: ", ")).")
        }
        if view != "kpis", view != "attribution", by != nil { throw DashboardError(.badRequest, "by groups the kpis and attribution views only.") }
        if view == "campaigns", options.campaigns.isEmpty { throw DashboardError(.badRequest, "view=campaigns needs campaigns (serve --campaigns or the site profile).") }
        let history = try pages.store.history(for: options)
        var bytes: [UInt8] = []
        switch view {
        case "kpis":
            JSONWriter.append(KPIRendering.json(MetricsEngine.report(history, groupBy: by, options: options)), to: &bytes)
            bytes.append(0x0A)
        case "attribution":
            JSONWriter.append(AttributionRendering.json(pages.store.attribution.report(history, by: by ?? .utmSource, options: options)), to: &bytes)
            bytes.append(0x0A)
        default:
            let records: [Record]
            switch view {
            case "agents": records = AgentStateRendering.records(MetricsEngine.agentDaily(history, options: options, totals: true), states: [])
            case "outbound": records = ViewRendering.outboundRecords(MetricsEngine.outboundAnswerRates(history, options: options))
            default: records = ViewRendering.campaignRecords(MetricsEngine.campaignReport(history, options: options))
            }
            var stream = RecordStream(format: .json, header: records.first?.map(\.name) ?? []) { bytes.append(contentsOf: $0) }
            for record in records { stream.append(record) }
            stream.finish()
        }
        return bytes
    }

    /// `/api/calls`: the page of calls `/calls` lists, as `calls -f json` records.
    func calls(_ parameters: QueryParameters) throws(DashboardError) -> [UInt8] {
        let selection = try pages.selectCalls(parameters)
        var time = SiteTime(zone: pages.zone)
        var bytes: [UInt8] = []
        var stream = RecordStream(format: .json, header: CallRecord.scalarFields(time: time)) { bytes.append(contentsOf: $0) }
        for call in selection.calls { stream.append(CallRecord.record(call, detail: true, time: &time)) }
        stream.finish()
        return bytes
    }

    /// `/api/calls/{key}`: one call with its SIP messages.
    func call(_ key: CallKey) throws(DashboardError) -> [UInt8] {
        guard let call = try pages.store.call(key, options: pages.configuration.options) else { throw DashboardError(.notFound, "No stored call has this key.") }
        var time = SiteTime(zone: pages.zone)
        var bytes: [UInt8] = []
        JSONWriter.append(CallRecord.record(call, detail: true, time: &time), to: &bytes)
        bytes.append(0x0A)
        return bytes
    }

    /// `/api/lost`: `lost -f json` of the range.
    func lost(_ parameters: QueryParameters) throws(DashboardError) -> [UInt8] {
        let range = try pages.range(parameters)
        let options = pages.options(range)
        let history = try pages.store.history(for: options)
        var time = SiteTime(zone: pages.zone)
        var bytes: [UInt8] = []
        var stream = RecordStream(format: .json, header: LostCallRendering.fields(time: time)) { bytes.append(contentsOf: $0) }
        for lost in MetricsEngine.lostCalls(history, options: options) { stream.append(LostCallRendering.record(lost, time: &time)) }
        stream.finish()
        return bytes
    }
}
