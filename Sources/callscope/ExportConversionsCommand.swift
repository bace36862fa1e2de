import ArgumentParser
import CallMetrics
import Reports

/// `callscope export conversions`: qualified calls with a click id, as offline conversions
/// (README "Visit attribution").
struct ExportConversionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conversions",
        abstract: "Write the qualified calls that carry an ad click id as offline conversions.",
        discussion: """
            The calls attributed to a visit with a click id (--visits), answered with at least \
            --qualified-s of talk (and, with --first-time-only, from first-time callers), in the \
            CSV layout the ad platform imports: google-ads (Google Click ID, Conversion Name, \
            Conversion Time with the site's offset, Conversion Value, Conversion Currency) or csv \
            (the same with the call id, caller and UTM fields). Value: --value, currency: --currency.
            """
    )

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case googleAds = "google-ads", csv
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var windows: HistoryWindowOptions
    @OptionGroup var thresholds: KPIThresholdOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The layout: google-ads (Google Ads offline click conversions) or csv.", valueName: "google-ads|csv"))
    var format: Layout = .googleAds

    @Option(help: ArgumentHelp("The conversion's name, as set up in the ad platform.", valueName: "name"))
    var conversionName = "Phone call"

    @Flag(help: "Only calls from first-time callers (no call from the number within the repeat window before).")
    var firstTimeOnly = false

    func validate() throws {
        try input.requireExistingDatabase()
        _ = try period.range(timeZone: input.siteTimeZone)
        if conversionName.isEmpty { throw ValidationError("--conversion-name cannot be empty.") }
    }

    func run() throws {
        let site = try input.settings(windows: windows, thresholds: thresholds)
        let options = try MetricsOptions(site: site, period: period, campaigns: site.loadCampaigns())
        let (collected, finish) = try input.collect(site: site, storedRange: options.storedRange)
        let calls = MetricsEngine.conversions(calls: collected.calls, options: options, firstTimeOnly: firstTimeOnly)
        let layout: ConversionExport.Layout = format == .googleAds ? .googleAds : .csv
        var time = SiteTime(zone: site.timeZone)
        var stream = RecordStream(format: .csv, header: ConversionExport.header(layout), write: Output.write)
        for call in calls {
            stream.append(ConversionExport.record(call, layout: layout, name: conversionName, value: input.attribution.value,
                                                  currency: input.attribution.currency.uppercased(), time: &time))
        }
        stream.finish()
        try finish()
    }
}
