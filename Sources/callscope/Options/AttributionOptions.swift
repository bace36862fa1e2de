import ArgumentParser
import CallMetrics
import CallModel
import Foundation
import SiteConfiguration

/// `--visits`, `--pool`, `--costs`, `--touch`, `--value`, `--currency`: visit attribution
/// (README "Visit attribution"), taken by every reading command through ``InputOptions``;
/// the profile's `pools:` and the campaigns file's `pools:` complete `--pool`.
struct AttributionOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Website visits that held pool numbers (CSV with a header, or one JSON object per line): number, visitor_id, assigned_at, released_at, source, medium, campaign, keyword, landing_page, click_id. Repeat for several files. Calls to pool numbers are attributed to the visit holding the number.",
        valueName: "file"))
    var visits: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "The numbers of the website's pool (space- or comma-separated), TTL 30 minutes; a pool call no visit holds is an unattributed pool call. Default: the profile's pools: and those of the campaigns file.",
        valueName: "number"))
    var pool: [String] = []

    @Option(help: ArgumentHelp("Ad spend per day (CSV: date, source, medium, campaign, cost; an empty field means all), for cost per call and ROI in --view attribution.", valueName: "file"))
    var costs: String?

    @Option(help: ArgumentHelp("Repeat callers: first keeps the attribution of a caller's first attributed call within the repeat window; last takes each call's own visit.", valueName: "first|last"))
    var touch: RepeatTouch = .first

    @Option(help: ArgumentHelp("Value of a qualified call attributed to a visit (revenue and ROI of --view attribution, value of export conversions).", valueName: "amount"))
    var value: Double?

    @Option(help: ArgumentHelp("Currency of --value and the costs (ISO 4217), written in export conversions.", valueName: "code"))
    var currency = "USD"

    func validate() throws {
        for file in visits + [costs].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("File '\(file)' not found.")
        }
        if let value, !(value.isFinite && value >= 0) { throw ValidationError("--value must be an amount of 0 or more.") }
        if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isLetter }) { throw ValidationError("--currency must be a three-letter ISO 4217 code (USD, EUR, GBP).") }
    }

    /// The `--pool` numbers, commas split.
    var poolNumbers: [String] {
        pool.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }
}

extension RepeatTouch: ExpressibleByArgument {}

/// What a run attributes with: the engine over its visits and pools, and the costs.
struct SiteAttribution {
    let engine: AttributionEngine
    let costs: [CostEntry]
    let options: AttributionOptions
    let repeatWindow: Duration

    /// The calls with their attribution. Without `--visits` (pools alone), a call that already
    /// has one keeps it: calls read from a store carry what `import --visits` found, and pools
    /// without the visits would only call every pool call unattributed (README "Visit attribution").
    func attribute(_ calls: [Call]) -> [Call] {
        var attributed = engine.attribute(calls, touch: options.touch, repeatWindow: repeatWindow)
        guard options.visits.isEmpty else { return attributed }
        for index in calls.indices where calls[index].attribution != nil { attributed[index].attribution = calls[index].attribution }
        return attributed
    }
}

extension SiteSettings {
    /// The pools: `--pool` (the pool `website`) over the profile's `pools:`, then the campaigns file's.
    func loadPools() throws -> [NumberPool] {
        var pools: [NumberPool] = []
        let numbers = attributionOptions?.poolNumbers ?? []
        if !numbers.isEmpty {
            pools.append(NumberPool(name: "website", numbers: numbers))
        } else if let profilePools = profile?.pools?.value {
            pools += profilePools
        }
        do throws(ConfigurationError) { pools += try campaigns.value?.loadPools() ?? [] } catch { throw CommandFailure.configuration(error) }
        return pools
    }

    /// The `--costs` entries, empty without the option.
    func loadCosts() throws -> [CostEntry] {
        guard let path = attributionOptions?.costs else { return [] }
        do throws(ConfigurationError) { return try CostsFile.load(path, zone: timeZone) } catch { throw CommandFailure.configuration(error) }
    }

    /// The run's attribution, nil when it has neither visits nor pools (README "Visit
    /// attribution": static campaigns alone keep their own reports). Bad visit rows go to
    /// `report` as `file:line: reason`; a bad costs or campaigns file, or a number both in a pool
    /// and a campaign, is a ``CommandFailure``.
    func loadAttribution(report: (Diagnostic) -> Void) throws -> SiteAttribution? {
        guard let options = attributionOptions else { return nil }
        let pools = try loadPools()
        guard !options.visits.isEmpty || !pools.isEmpty else { return nil }
        var visits: [VisitAssignment] = []
        do throws(ConfigurationError) {
            for file in options.visits {
                let read = try VisitsFile.load(file, zone: timeZone)
                visits += read.visits
                for problem in read.problems {
                    report(Diagnostic(.error, input: problem.file, line: problem.line, message: problem.message))
                }
            }
        } catch { throw CommandFailure.configuration(error) }
        let costs = try loadCosts()
        let campaigns = try loadCampaigns()
        let engine: AttributionEngine
        do throws(AttributionError) { engine = try AttributionEngine(pools: pools, campaigns: campaigns, visits: visits) } catch {
            throw CommandFailure(.configuration, error.description)
        }
        return SiteAttribution(engine: engine, costs: costs, options: options,
                               repeatWindow: .seconds(Int64((repeatWindowDays.value * 86_400).rounded())))
    }
}
