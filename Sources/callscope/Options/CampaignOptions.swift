import ArgumentParser
import CallMetrics
import Foundation
import SiteConfiguration

/// `--campaigns FILE` (`report`): tracking numbers to campaigns (README "Campaigns").
struct CampaignOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Campaigns: tracking numbers (or prefixes ending in *) to campaign, channel, cost, revenue per qualified call; CSV or YAML (see README).", valueName: "file"))
    var campaigns: String?

    func validate() throws {
        if let campaigns, !FileManager.default.fileExists(atPath: campaigns) { throw ValidationError("Campaigns file '\(campaigns)' not found.") }
    }

    /// The campaigns of the file (none without `--campaigns`); a file that cannot be read or
    /// used is a ``CommandFailure`` naming the file and line.
    func load() throws -> [Campaign] {
        guard let campaigns else { return [] }
        do { return try CampaignFile.load(campaigns) } catch { throw CommandFailure.configuration(error) }
    }
}
