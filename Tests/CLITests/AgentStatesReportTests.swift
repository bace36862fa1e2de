import Foundation
import Testing
import TestSupport

/// `report --view agents` agent-state figures against the generator's ground truth
/// (cdr-samples/team-day, `cdr-samples/generate.py` `team_figures`: the plan counted second by
/// second), in the three forms of queue_log, and on the public corpus queue_logs.
@Suite struct AgentStatesReportTests {
    static let folder = "cdr-samples/team-day/"
    static let forms = ["queue_log", "queue_log.csv", "queue_log.sql"]
    static let secondsFields = ["logged_in_s", "paused_s", "idle_s", "talk_s", "hold_s", "acw_s"]
    static let countFields = ["pauses", "handled", "rona", "transfers"]
    static let ratioFields = ["aht_s", "occupancy", "utilisation"]

    static func rows(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CLI.run(["report"] + arguments + ["--view", "agents", "-f", "json", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    static func key(_ row: [String: Any]) -> String { "\(row["agent"] ?? "")/\(row["day"] ?? "")" }

    /// Every agent-state field of every row (each agent's day and `all` row) equals the sidecar.
    @Test(arguments: forms)
    func everyAgentFigureMatchesTheGroundTruth(_ form: String) throws {
        let expected = try CLI.ndjson(String(contentsOfFile: TestPaths.root.appendingPathComponent(Self.folder + "agents.expected.ndjson").path, encoding: .utf8))
        let rows = try Self.rows([Self.folder + form, "--timezone", "Europe/London"])
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { (Self.key($0), $0) })
        #expect(rows.count == expected.count)
        for want in expected {
            let name = Self.key(want)
            let got = try #require(byKey[name], "no row \(name)")
            for field in Self.secondsFields {
                #expect(got[field] as? Double == (want[field] as? NSNumber)?.doubleValue, "\(form) \(name) \(field)")
            }
            for field in Self.countFields {
                #expect(got[field] as? Int == want[field] as? Int, "\(form) \(name) \(field)")
            }
            for field in Self.ratioFields {
                let g = got[field] as? Double, w = (want[field] as? NSNumber)?.doubleValue
                #expect((g == nil) == (w == nil), "\(form) \(name) \(field)")
                if let g, let w { #expect(abs(g - w) < 0.0006, "\(form) \(name) \(field): \(g) vs \(w)") }
            }
            let reasons = try #require(got["pause_reasons"] as? [String: Any])
            let wantReasons = try #require(want["pause_reasons"] as? [String: Any])
            #expect(Set(reasons.keys) == Set(wantReasons.keys), "\(form) \(name)")
            for (reason, seconds) in wantReasons {
                #expect(reasons[reason] as? Double == (seconds as? NSNumber)?.doubleValue, "\(form) \(name) \(reason)")
            }
            #expect(got["first_login"] as? String == want["first_login"] as? String, "\(form) \(name)")
            #expect(got["last_logoff"] as? String == want["last_logoff"] as? String, "\(form) \(name)")
            #expect(got["session_open"] as? Bool == want["session_open"] as? Bool, "\(form) \(name)")
        }
    }

    /// The late login, the long break, the dropped call's agent and the open session are where
    /// the plan put them (cdr-samples/README.md "A day of a small team").
    @Test func theTeamDayHoldsItsEvents() throws {
        let rows = try Self.rows([Self.folder + "queue_log", "--timezone", "Europe/London"]).filter { $0["day"] as? String == "all" }
        let byAgent = Dictionary(uniqueKeysWithValues: rows.compactMap { r in (r["agent"] as? String).map { ($0, r) } })
        #expect(byAgent["303"]?["first_login"] as? String == "2026-03-31T08:25:40.000Z")
        #expect((byAgent["302"]?["pause_reasons"] as? [String: Any])?["Break"] as? Double == 2700)
        #expect(byAgent["304"]?["session_open"] as? Bool == true)
        #expect(byAgent["304"]?["last_logoff"] is NSNull)
        #expect((byAgent["302"]?["rona"] as? Int ?? 0) > 0)
    }

    /// CSV carries the state keys after the call keys; the table renders.
    @Test func csvAndTableCarryTheStateFields() throws {
        let csv = try CLI.run(["report", Self.folder + "queue_log", "--timezone", "Europe/London", "--view", "agents", "-f", "csv", "-q"])
        #expect(csv.status == 0)
        let header = csv.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header == "agent,day,inbound_received,inbound_missed,outbound_answered,outbound_not_answered,talk_min,asa_s,active_hours,calls_per_hour,"
            + "logged_in_s,paused_s,pause_reasons,pauses,idle_s,talk_s,hold_s,acw_s,handled,aht_s,occupancy,utilisation,rona,transfers,first_login,last_logoff,session_open")
        let table = try CLI.run(["report", Self.folder + "queue_log", "--timezone", "Europe/London", "--view", "agents", "-q"])
        #expect(table.status == 0 && table.stdout.contains("logged_in_s"))
    }

    /// The public corpus queue_logs (table export and SQL dump): agent figures without error,
    /// and the agents' talk adds up to the talk of the calls' agent legs.
    @Test(arguments: ["queue-log__voipreports1__queue_log.csv", "queue-log-sql__MalariaPBX__baseAsterisk-queue_log.sql"])
    func corpusAgentTalkEqualsCallTalk(_ file: String) throws {
        let path = Corpus.cdrFile(file)
        try #require(FileManager.default.fileExists(atPath: path), "the public corpus is missing")
        let result = try CLI.run(["report", path, "--timezone", "UTC", "--view", "agents", "-f", "json"])
        #expect(result.status == 0)
        #expect(!result.stderr.contains(": error:"), "\(result.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let all = rows.filter { $0["day"] as? String == "all" }
        #expect(!all.isEmpty)
        let agentTalk = all.compactMap { $0["talk_s"] as? Double }.reduce(0, +)
        let calls = try CLI.ndjson(try CLI.run(["calls", path, "--timezone", "UTC", "--format", "ndjson", "-q"]).stdout)
        let legTalk = calls.flatMap { ($0["legs"] as? [[String: Any]]) ?? [] }.compactMap { $0["talk_s"] as? Double }.reduce(0, +)
        #expect(legTalk > 0)
        #expect(abs(agentTalk - legTalk) < 0.001, "agents \(agentTalk) s, call legs \(legTalk) s")
    }
}
