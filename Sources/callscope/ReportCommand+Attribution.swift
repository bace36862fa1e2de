import ArgumentParser
import CallIngest
import CallMetrics
import Reports

/// `report --view attribution` (README "Visit attribution").
extension ReportCommand {
    /// The groupings of the attribution view.
    static let visitFields: [GroupBy] = [.utmSource, .utmMedium, .utmCampaign, .keyword, .landingPage, .attribution]

    func runAttribution(collected: CollectedCalls, finish: () throws -> Void, site: SiteSettings, options: MetricsOptions) throws {
        guard let attribution = try site.loadAttribution(report: { _ in }) else {
            throw ValidationError("--view attribution needs --visits FILE or --pool NUMBERS (or pools: in the site profile).")
        }
        let report = MetricsEngine.attributionReport(
            calls: collected.calls, by: by ?? .utmSource, options: options, costs: attribution.costs,
            valuePerQualified: attribution.options.value, exhaustion: attribution.engine.exhaustion())
        switch output.format {
        case .json:
            var bytes: [UInt8] = []
            JSONWriter.append(AttributionRendering.json(report), to: &bytes)
            bytes.append(0x0A)
            Output.write(bytes)
        case .csv, .ndjson:
            let records = AttributionRendering.records(report)
            var stream = RecordStream(format: output.format == .csv ? .csv : .ndjson, header: records.first?.map(\.name) ?? [], write: Output.write)
            for record in records { stream.append(record) }
            stream.finish()
        case .table, .svg, .html:
            var time = SiteTime(zone: site.timeZone)
            Output.write(DisplayOptions.periodHeader(collected.calls, options: options)
                         + ViewRendering.table(AttributionRendering.records(report), empty: "no calls")
                         + AttributionRendering.notes(report, time: &time))
        }
        warn(MetricsEngine.directionCoverage(calls: collected.calls, options: options))
        try finish()
    }
}
