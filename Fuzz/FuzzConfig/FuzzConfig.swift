import CallMetrics
import Foundation
import FuzzSupport
import SiteConfiguration

/// One input: its first byte picks what reads the rest: 0 the campaigns file as YAML, 1 as CSV,
/// 2 a local date or time (`--from`/`--to`, Europe/London with its DST changes), 3 the control
/// rules file of `events`, 4 its shifts file, 5 the site profile. Every error must name its
/// file and a line of 1 or more. A parsed
/// campaigns file must hold what the parser promises: named campaigns with numbers, amounts
/// finite and not negative, and each name once.
func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    guard let selector = bytes.first else { return 0 }
    let rest = [UInt8](bytes.dropFirst())
    switch selector % 6 {
    case 0, 1:
        let syntax: CampaignFile.Syntax = selector % 6 == 0 ? .yaml : .csv
        do {
            let campaigns = try CampaignFile.parse(rest, syntax: syntax, file: "campaigns")
            var names: Set<String> = []
            for campaign in campaigns {
                precondition(!campaign.name.isEmpty && !campaign.numbers.isEmpty && !campaign.numbers.contains(""), "a campaign without name or numbers")
                precondition([campaign.cost, campaign.revenuePerQualified].allSatisfy { $0.map { $0.isFinite && $0 >= 0 } ?? true }, "an amount that is not one")
                precondition(names.insert(campaign.name).inserted, "a campaign named twice")
            }
            _ = CampaignAttribution(campaigns)
        } catch {
            precondition(error.file == "campaigns" && error.kind == .invalid && !error.message.isEmpty, "an error without file or message")
            precondition(error.line.map { $0 >= 1 } ?? true, "an error on line \(error.line ?? 0)")
        }
    case 2:
        let zone = TimeZone(identifier: "Europe/London") ?? .current
        _ = LocalDateTime.instant(String(decoding: rest.prefix(64), as: UTF8.self), in: zone)
    case 5:
        do {
            let profile = try SiteProfile.parse(String(decoding: rest, as: UTF8.self), file: "site/callscope.yaml")
            let numbers = [profile.serviceLevelSeconds, profile.shortAbandonSeconds, profile.qualifiedSeconds, profile.blockedTargetPercent,
                           profile.repeatWindowDays, profile.callbackWindowHours, profile.wrapUpSeconds].compactMap { $0?.value }
            precondition(numbers.allSatisfy { $0.isFinite && $0 >= 0 }, "a threshold or window that is not a number of 0 or more")
        } catch {
            precondition(error.file == "site/callscope.yaml" && error.kind == .invalid && !error.message.isEmpty, "an error without file or message")
            precondition(error.line.map { $0 >= 1 } ?? true, "an error on line \(error.line ?? 0)")
        }
    default:
        let text = String(decoding: rest, as: UTF8.self)
        do {
            if selector % 6 == 3 {
                _ = try ControlRulesFile.parse(text, file: "rules")
            } else {
                _ = try ShiftsFile.parse(text, file: "shifts")
            }
        } catch {
            precondition(["rules", "shifts"].contains(error.file) && !error.message.isEmpty, "an error without file or message")
            precondition(error.line.map { $0 >= 1 } ?? true, "an error on line \(error.line ?? 0)")
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzConfig(data, size) }

@_cdecl("FuzzConfig_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc: argc, argv: argv, fuzzConfig)
}
