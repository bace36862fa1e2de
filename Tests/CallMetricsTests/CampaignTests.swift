import CallModel
import Foundation
import Testing
@testable import CallMetrics

@Suite struct CampaignTests {
    static let campaigns = [
        Campaign(name: "Google", numbers: ["+442079460100"], channel: "google-ads", cost: 100, revenuePerQualified: 50),
        Campaign(name: "Radio", numbers: ["+44207946020*"], channel: "radio", cost: 60),
        Campaign(name: "Radio special", numbers: ["+442079460201"], channel: "radio", cost: 8, revenuePerQualified: 4),
        Campaign(name: "Print", numbers: ["+442079460300"], channel: "print", cost: 10, revenuePerQualified: 20),
    ]

    static let calls: [Call] = {
        let t = Fixture.monday
        func at(_ s: Double) -> Timestamp { Fixture.at(t, plus: s) }
        return [
            Fixture.call("g1", at(0), .answered, wait: 5, talk: 90, caller: "+447700900001", dialed: "+442079460100"),
            Fixture.call("g2", at(10), .answered, wait: 5, talk: 30, caller: "+447700900002", dialed: "+44 20 7946 0100"),
            Fixture.call("g3", at(20), .abandoned, wait: 9, caller: "+447700900001", dialed: "+442079460100"),
            // the PBX rewrote the dialled number to an extension: attributed by diverted_from
            Fixture.call("r1", at(30), .answered, wait: 5, talk: 61, caller: "+447700900003", dialed: "201", divertedFrom: "+442079460205"),
            // exact rule wins over the Radio prefix
            Fixture.call("s1", at(40), .answered, wait: 5, talk: 60, caller: "+447700900004", dialed: "+442079460201"),
            // a number of no campaign
            Fixture.call("u1", at(50), .answered, wait: 5, talk: 100, caller: "+447700900005", dialed: "+442079460999"),
            // outbound: not a campaign call
            Fixture.call("o1", at(60), .answered, wait: 5, talk: 100, caller: "201", dialed: "+447700900001", direction: .outbound),
        ]
    }()

    @Test func perCampaignFigures() {
        let report = MetricsEngine.campaignReport(calls: Self.calls, options: Fixture.options(campaigns: Self.campaigns))
        #expect(report.campaigns.map(\.name) == ["Google", "Radio", "Radio special", "Print"])
        let google = report.campaigns[0]
        #expect(google == CampaignRow(
            name: "Google", channel: "google-ads", calls: 3, firstTimeCallers: 2, answered: 2, qualifiedCalls: 1,
            conversion: 1.0 / 3.0, cost: 100, costPerCall: 100.0 / 3.0, costPerQualified: 100, revenue: 50, roi: -0.5))
        #expect(report.campaigns[1] == CampaignRow(
            name: "Radio", channel: "radio", calls: 1, firstTimeCallers: 1, answered: 1, qualifiedCalls: 1,
            conversion: 1, cost: 60, costPerCall: 60, costPerQualified: 60, revenue: nil, roi: nil))
        #expect(report.campaigns[2] == CampaignRow(
            name: "Radio special", channel: "radio", calls: 1, firstTimeCallers: 1, answered: 1, qualifiedCalls: 1,
            conversion: 1, cost: 8, costPerCall: 8, costPerQualified: 8, revenue: 4, roi: -0.5))
        // no calls: the cost was still spent
        #expect(report.campaigns[3] == CampaignRow(
            name: "Print", channel: "print", calls: 0, firstTimeCallers: 0, answered: 0, qualifiedCalls: 0,
            conversion: nil, cost: 10, costPerCall: nil, costPerQualified: nil, revenue: 0, roi: -1))
        #expect(report.unattributed == CampaignRow(
            name: "(unattributed)", channel: nil, calls: 1, firstTimeCallers: 1, answered: 1, qualifiedCalls: 1,
            conversion: 1, cost: nil, costPerCall: nil, costPerQualified: nil, revenue: nil, roi: nil))
    }

    @Test func reportByCampaign() {
        let report = MetricsEngine.report(calls: Self.calls, groupBy: .campaign, options: Fixture.options(campaigns: Self.campaigns))
        #expect(report.groups.map(\.key) == ["Google", "Radio", "Radio special", "(unattributed)", "(outbound)"])
        #expect(report.groups.map(\.kpis.offered) == [3, 1, 1, 1, 1])
        #expect(report.groups.map(\.kpis.qualifiedCalls) == [1, 1, 1, 1, 1])
        #expect(report.groups[0].kpis.firstTimeCallers == 2 && report.groups[0].kpis.repeatCallers == 1)
    }

    @Test func qualifiedThresholdIsInclusiveAndConfigurable() {
        var options = Fixture.options(campaigns: Self.campaigns)
        options.qualifiedTalk = .seconds(61)
        let report = MetricsEngine.campaignReport(calls: Self.calls, options: options)
        #expect(report.campaigns.map(\.qualifiedCalls) == [1, 1, 0, 0])
        #expect(report.campaigns[2].costPerQualified == nil)
        #expect(MetricsEngine.report(calls: Self.calls, groupBy: nil, options: options).overall.kpis.qualifiedCalls == 4)
    }

    @Test func attributionRules() {
        let rules = CampaignAttribution([
            Campaign(name: "short", numbers: ["+44*"]),
            Campaign(name: "long", numbers: ["+4420*"]),
            Campaign(name: "exact", numbers: ["+44 20 7946 0100"]),
            Campaign(name: "tie", numbers: ["+4420*"]),
        ])
        #expect(rules.campaignIndex(number: "+442079460100") == 2)
        #expect(rules.campaignIndex(number: "+442079460101") == 1)
        #expect(rules.campaignIndex(number: "+447700900001") == 0)
        #expect(rules.campaignIndex(number: "+33123") == nil)
        #expect(rules.campaignIndex(number: nil) == nil)
        // diverted_from first: the number the caller dialled before the rewrite
        let call = Fixture.call("x", Fixture.monday, .answered, dialed: "+33123", divertedFrom: "+4420 1")
        #expect(rules.campaign(of: call)?.name == "long")
    }
}
