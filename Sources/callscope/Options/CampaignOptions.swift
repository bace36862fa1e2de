import ArgumentParser
import CallMetrics
import Foundation
import SiteConfiguration

/// `--campaigns FILE` (`report`, `events`): tracking numbers to campaigns (README "Campaigns");
/// read through ``SiteSettings/loadCampaigns()``, which also knows the profile's `campaigns:`.
struct CampaignOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Campaigns: tracking numbers (or prefixes ending in *) to campaign, channel, cost, revenue per qualified call; CSV or YAML (see README). Default: the profile's campaigns.", valueName: "file"))
    var campaigns: String?

    func validate() throws {
        if let campaigns, !FileManager.default.fileExists(atPath: campaigns) { throw ValidationError("Campaigns file '\(campaigns)' not found.") }
    }
}
