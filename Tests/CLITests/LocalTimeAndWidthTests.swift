import Foundation
import Testing
import TestSupport

/// Tables in the site's time zone, and fitted to the terminal (README "Tables").
/// cdr-samples/asterisk-master.csv spans the start of British Summer Time (2026-03-29 01:00 UTC).
@Suite struct LocalTimeAndWidthTests {
    static let sample = "cdr-samples/asterisk-master.csv"
    static let london = ["--timezone", "Europe/London"]

    @Test func callsTableNamesTheZoneAndShowsLocalTimes() throws {
        let result = try CLI.run(["calls", Self.sample, "-q"] + Self.london)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("start (Europe/London)  ") == true)
        // Before the change local time is UTC; after it, an hour ahead.
        #expect(lines.contains { $0.hasPrefix("2026-03-28 22:41:07.000") && $0.hasSuffix("1774737667.54") })
        #expect(lines.contains { $0.hasPrefix("2026-03-29 09:02:15.000") && $0.hasSuffix("1774771335.84") })
        #expect(lines.last == "13 calls from 2026-03-28 22:41:07 to 2026-03-29 09:48:30 (Europe/London)")
    }

    @Test func utcIsSaidWhenNoOtherZoneIsGiven() throws {
        // The sample's local times read as UTC: the same wall-clock figures, said to be UTC.
        let result = try CLI.run(["calls", Self.sample, "-q", "--timezone", "UTC"])
        #expect(result.stdout.hasPrefix("start (UTC)  "))
        #expect(result.stdout.hasSuffix("\n13 calls from 2026-03-28 22:41:07 to 2026-03-29 09:48:30 (UTC)\n"))
        let records = try CLI.ndjson(try CLI.run(["calls", Self.sample, "-q", "--timezone", "UTC", "-f", "ndjson"]).stdout)
        #expect(records.count == 13)
        #expect(records.allSatisfy { $0["start_local"] == nil })
    }

    @Test func recordsKeepUTCAndAddLocalTimesWithTheirOffset() throws {
        let result = try CLI.run(["calls", Self.sample, "-q", "-f", "ndjson"] + Self.london)
        let records = Dictionary(uniqueKeysWithValues: try CLI.ndjson(result.stdout).compactMap { r in (r["call_id"] as? String).map { ($0, r) } })
        let winter = try #require(records["1774737667.54"])
        #expect(winter["start"] as? String == "2026-03-28T22:41:07.000Z")
        #expect(winter["start_local"] as? String == "2026-03-28T22:41:07.000+00:00")
        #expect(winter["ended_at_local"] as? String == "2026-03-28T22:44:43.000+00:00")
        let summer = try #require(records["1774771335.84"])
        #expect(summer["start"] as? String == "2026-03-29T08:02:15.000Z")
        #expect(summer["start_local"] as? String == "2026-03-29T09:02:15.000+01:00")
        #expect(summer["system_answered_at_local"] is NSNull)
        let csv = try CLI.run(["calls", Self.sample, "-q", "-f", "csv"] + Self.london).stdout
        let header = try #require(csv.split(separator: "\n").first)
        #expect(header.hasSuffix(",silence_s,agent_share,start_local,answered_at_local,ended_at_local,system_answered_at_local"))
    }

    @Test func lostNamesTheZoneAndThePeriod() throws {
        let result = try CLI.run(["lost", Self.sample, "-q", "--own-numbers", "+442079460100", "+442079460200", "+442079460300"] + Self.london)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("start (Europe/London)  caller") == true)
        #expect(lines.contains { $0.hasPrefix("2026-03-29 09:10:03 ") && $0.contains(" +447700900987 ") })
        #expect(lines.last == "5 lost calls, 5 not returned yet, calls from 2026-03-28 22:41:07 to 2026-03-29 09:48:30 (Europe/London)")
        let ranged = try CLI.run(["lost", Self.sample, "-q", "--from", "2026-03-29", "--to", "2026-03-30"] + Self.london)
        #expect(ranged.stdout.contains("calls from 2026-03-29 00:00:00 to 2026-03-30 00:00:00 (Europe/London)\n"))
    }

    @Test func reportStatesThePeriodAndZone() throws {
        let result = try CLI.run(["report", Self.sample, "-q", "--from", "2026-03-29"] + Self.london)
        #expect(result.stdout.hasPrefix("Period: from 2026-03-29 00:00:00 to 2026-03-29 09:48:30 (Europe/London)\n\n"))
    }

    /// The capture sample's long Call-IDs and numbers make the table wider than 60 columns.
    static let wideTable = ["calls", "captures/answered-udp.pcap", "captures/failures-udp.pcap", "-q"] + london

    @Test(arguments: [60, 80])
    func aTerminalTableFitsTheTerminal(columns: Int) throws {
        let result = try Terminal.run(Self.wideTable, columns: columns)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + 8 + 1)
        for line in lines.dropLast() { #expect(line.count <= columns, "\(line)") }
        let header = try #require(lines.first)
        #expect(header.hasPrefix("start (Europe/London)    caller"))
        #expect(header.contains("outcome") && header.contains("call id"))
        #expect(!header.contains("pkts") && !header.contains("ended by"))  // least important, dropped first
    }

    @Test func columnsFromTheEnvironmentWinOnATerminal() throws {
        let result = try Terminal.run(Self.wideTable, columns: 200, environment: ["COLUMNS": "70"])
        for line in result.stdout.split(separator: "\n").dropLast() { #expect(line.count <= 70) }
    }

    @Test func wideAndPipedAreNotFittedToTheTerminal() throws {
        let wide = try Terminal.run(Self.wideTable + ["--wide"], columns: 60)
        #expect(wide.stdout.contains("answered-callee-bye-1-19045@127.0.0.1"))
        #expect(!wide.stdout.contains("…"))
        #expect(wide.stdout.split(separator: "\n").contains { $0.count > 60 })
        let piped = try CLI.run(Self.wideTable)
        #expect(piped.stdout.split(separator: "\n").first?.hasSuffix("ended by        pkts  call id") == false)
        #expect(piped.stdout.split(separator: "\n").first?.hasSuffix("ended by  pkts  call id") == true)
        #expect(piped.stdout.contains("answered-callee-bye-1-19045…"))
    }

    @Test func talkAndMOSColumnsWithTalk() throws {
        let result = try CLI.run(["calls", "captures/talk/talk-inbound.pcap", "--talk", "-q", "--timezone", "UTC"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        for title in ["agent talk s", "caller talk s", "overtalk s", "agent %", "caller mos", "callee mos"] { #expect(header.contains(title)) }
        let record = try #require(try CLI.ndjson(try CLI.run(["calls", "captures/talk/talk-inbound.pcap", "--talk", "-q", "-f", "ndjson"]).stdout).first)
        let row = try #require(lines.dropFirst(2).first)
        for field in ["agent_talk_s", "caller_talk_s", "caller_mos", "callee_mos"] {
            let value = try #require(record[field] as? NSNumber, "\(field)")
            #expect(row.contains(" " + String(format: field.hasSuffix("mos") ? "%.2f" : "%.3f", value.doubleValue) + " "), "\(field) in \(row)")
        }
    }
}
