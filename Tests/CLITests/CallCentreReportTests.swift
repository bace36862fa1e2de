import Foundation
import Testing
import TestSupport

/// `callscope report` on the hand-made Asterisk files of
/// Tests/CDRImportTests/Fixtures/call-centre (README there): an abandon after an IVR answer
/// counts as an abandon, an IVR drop-off in `ivr_dropoffs`, each agent of a transferred call
/// gets their own part of the talk.
@Suite struct CallCentreReportTests {
    static let inputs = ["Tests/CDRImportTests/Fixtures/call-centre/Master.csv", "Tests/CDRImportTests/Fixtures/call-centre/queue_log"]
    static let options = ["--timezone", "UTC", "--own-numbers", "+442079460100", "-q"]

    func json(_ arguments: [String]) throws -> Any {
        let result = try CLI.run(["report"] + Self.inputs + Self.options + ["--format", "json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test func abandonAfterTheIVRAndIVRDropoffsAreCountedApart() throws {
        let report = try #require(try json([]) as? [String: Any])
        let overall = try #require(report["overall"] as? [String: Any])
        #expect(overall["offered"] as? Int == 4)
        #expect(overall["answered"] as? Int == 2)
        #expect(overall["ivr_dropoffs"] as? Int == 1)
        // 1 abandon / (4 inbound - 0 short abandons - 1 IVR drop-off).
        #expect(overall["abandonment_rate"] as? Double == 0.3333)
        #expect(overall["lost_calls"] as? Int == 1)
        // 306 s + 275 s of talk.
        #expect(overall["talk_min"] as? Double == 9.683)
    }

    @Test func csvAndTableCarryIVRDropoffs() throws {
        let csv = try CLI.run(["report"] + Self.inputs + Self.options + ["--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        let header = try #require(lines.first).split(separator: ",")
        let all = try #require(lines.dropFirst().first).split(separator: ",", omittingEmptySubsequences: false)
        let column = try #require(header.firstIndex(of: "ivr_dropoffs"))
        #expect(all[column] == "1")
        let table = try CLI.run(["report"] + Self.inputs + Self.options)
        #expect(table.stdout.contains("IVR drop"))
    }

    @Test func agentsViewCreditsEachAgentWithTheirOwnTalk() throws {
        let rows = try #require(try json(["--view", "agents"]) as? [[String: Any]])
        // One day of calls: each agent's day row (the `all` row after it repeats the sums).
        let byAgent = Dictionary(uniqueKeysWithValues: rows.filter { $0["day"] as? String != "all" }.compactMap { row in (row["agent"] as? String).map { ($0, row) } })
        let totals = rows.filter { $0["day"] as? String == "all" }
        #expect(totals.count == byAgent.count)
        #expect(totals.first { $0["agent"] as? String == "202" }?["talk_min"] as? Double == 6.0)
        // 201 answered both transferred calls (120 s + 95 s); the abandon it only rang for is not its.
        #expect(byAgent["201"]?["inbound_received"] as? Int == 2)
        #expect(byAgent["201"]?["inbound_missed"] as? Int == 0)
        #expect(byAgent["201"]?["talk_min"] as? Double == 3.583)
        // 202 took both transfers: 180 s + 180 s.
        #expect(byAgent["202"]?["talk_min"] as? Double == 6.0)
        #expect(byAgent["202"]?["inbound_received"] as? Int == 0)
    }

    @Test func byAgentCreditsEachAgentWithTheirOwnTalk() throws {
        let report = try #require(try json(["--by", "agent"]) as? [String: Any])
        let groups = try #require(report["groups"] as? [[String: Any]])
        let byKey = Dictionary(uniqueKeysWithValues: groups.compactMap { g in (g["key"] as? String).map { ($0, g) } })
        #expect(byKey["201"]?["answered"] as? Int == 2)
        #expect(byKey["201"]?["talk_min"] as? Double == 3.583)
        #expect(byKey["202"]?["answered"] as? Int == 0)
        #expect(byKey["202"]?["talk_min"] as? Double == 6.0)
    }

    /// `calls` carries the new fields in the schema's order.
    @Test func callsCarrySystemAnswerIVRAndTransfers() throws {
        let result = try CLI.run(["calls"] + Self.inputs + ["--timezone", "UTC", "--format", "ndjson"])
        let calls = try CLI.ndjson(result.stdout)
        let transferred = try #require(calls.first { $0["call_id"] as? String == "1775038200.7" })
        #expect(transferred["system_answered_at"] as? String == "2026-04-01T10:10:00.000Z")
        #expect(transferred["ivr_s"] as? Double == 10.0)
        #expect(transferred["transfers"] as? Int == 1)
        let legs = try #require(transferred["legs"] as? [[String: Any]])
        #expect(legs.compactMap { $0["talk_s"] as? Double }.reduce(0, +) == 300.0)
        let dropoff = try #require(calls.first { $0["call_id"] as? String == "1775037900.5" })
        #expect(dropoff["outcome"] as? String == "ivr_dropoff")
        let header = try CLI.run(["calls"] + Self.inputs + ["--timezone", "UTC", "--format", "csv"]).stdout.split(separator: "\n").first ?? ""
        #expect(header.contains("wait_s,system_answered_at,ivr_s,transfers,direction"))
    }
}
