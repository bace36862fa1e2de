import CallModel
import Foundation
import Testing
import CallMetrics
@testable import Reports

/// `--where`, `--sort`, `--limit` and `--call` prefixes on records (README "Finding calls").
@Suite("Call query")
struct CallQueryTests {
    static let fields = ["call_id", "start", "caller", "outcome", "wait_s", "final_status", "agent", "truncated", "mos"]

    /// Five records as `CallRecord` writes them: strings, times, seconds, integers, decimals, nulls.
    static let records: [Record] = [
        row("a1", 0, "+447700900001", "answered", 12_500, 200, "201", false, "4.30"),
        row("a2", 60, "+447700900002", "busy", nil, 486, nil, false, nil),
        row("b3", 120, "+33123456789", "abandoned", 75_000, 487, nil, true, "3.90"),
        row("b4", 180, "+447700900001", "answered", 61_000, 200, "202", false, "4.10"),
        row("c5", 240, "201", "failed", nil, 503, nil, false, nil),
    ]

    static func row(_ id: String, _ second: Int64, _ caller: String, _ outcome: String, _ waitMs: Int64?, _ status: Int,
                    _ agent: String?, _ truncated: Bool, _ mos: String?) -> Record {
        [("call_id", .string(id)), ("start", .time(Timestamp(seconds: 1_774_746_000 + second))), ("caller", .string(caller)),
         ("outcome", .string(outcome)), ("wait_s", waitMs.map { .seconds(Duration3(nanoseconds: $0 * 1_000_000)) } ?? .null),
         ("final_status", .integer(status)), ("agent", .string(agent)), ("truncated", .bool(truncated)),
         ("mos", mos.map(FieldValue.decimal) ?? .null)]
    }

    func ids(_ query: CallQuery) -> [String] {
        query.apply(Self.records) { $0 }.map { record in
            if case .string(let id) = CallQuery.value(of: "call_id", in: record) { return id }
            return "?"
        }
    }

    func query(_ conditions: [String], sort: String? = nil, limit: Int? = nil) throws -> CallQuery {
        try CallQuery(where: conditions, sort: sort, limit: limit, fields: Self.fields) { text in
            Int64(text).map { Timestamp(seconds: $0) }
        }
    }

    @Test("Conditions select exactly the matching records", arguments: [
        (["outcome=busy"], ["a2"]),
        (["outcome!=answered"], ["a2", "b3", "c5"]),
        (["wait_s>60"], ["b3", "b4"]),
        (["wait_s>=61"], ["b3", "b4"]),
        (["wait_s<61"], ["a1"]),
        (["wait_s<=61"], ["a1", "b4"]),
        (["agent=201"], ["a1"]),
        (["agent="], ["a2", "b3", "c5"]),
        (["agent=null"], ["a2", "b3", "c5"]),
        (["agent!="], ["a1", "b4"]),
        (["caller~+4477*"], ["a1", "a2", "b4"]),
        (["caller!~+4477*"], ["b3", "c5"]),
        (["caller~*0001"], ["a1", "b4"]),
        (["caller~2?1"], ["c5"]),
        (["OUTCOME~ANSWER*"], ["a1", "b4"]),
        (["final_status>=400", "final_status<500"], ["a2", "b3"]),
        (["truncated=true"], ["b3"]),
        (["mos<4.2"], ["b3", "b4"]),
        (["mos=4.3"], ["a1"]),
        ([" wait_s > 60 ", "outcome == answered"], ["b4"]),
        (["final_status<abc"], []),
        (["start>=1774746120"], ["b3", "b4", "c5"]),
        (["start<2026-03-29T01:01"], ["a1"]),
    ])
    func conditions(texts: [String], expected: [String]) throws {
        #expect(ids(try query(texts)) == expected)
    }

    @Test("Sort: numbers numerically, times chronologically, stable, unknown values last either way")
    func sorting() throws {
        #expect(ids(try query([], sort: "-wait_s")) == ["b3", "b4", "a1", "a2", "c5"])
        #expect(ids(try query([], sort: "wait_s")) == ["a1", "b4", "b3", "a2", "c5"])
        #expect(ids(try query([], sort: "-start")) == ["c5", "b4", "b3", "a2", "a1"])
        #expect(ids(try query([], sort: "caller")) == ["b3", "a1", "b4", "a2", "c5"])  // stable: a1 before b4
        #expect(ids(try query([], sort: "-final_status")) == ["c5", "b3", "a2", "a1", "b4"])
        #expect(ids(try query(["outcome!=answered"], sort: "-start", limit: 2)) == ["c5", "b3"])
    }

    @Test func limitKeepsTheFirst() throws {
        #expect(ids(try query([], limit: 3)) == ["a1", "a2", "b3"])
        #expect(ids(try query([], limit: 10)).count == 5)
        #expect(throws: CallQuery.QueryError.self) { try query([], limit: 0) }
    }

    @Test func unknownFieldsNameTheValidOnes() {
        #expect { try query(["colour=red"]) } throws: { error in
            (error as? CallQuery.QueryError)?.description == "--where: unknown field 'colour'; the fields are: \(Self.fields.joined(separator: ", "))."
        }
        #expect { try query([], sort: "-colour") } throws: { error in
            (error as? CallQuery.QueryError)?.description.hasPrefix("--sort: unknown field 'colour'") == true
        }
    }

    @Test("Hostile and malformed conditions give an error or a query, never a trap", arguments: [
        "", "=", "outcome", "==x", "!", "<", "~", "!~", "outcome=", "\u{0}=\u{0}", "wait_s>\u{1B}[31m",
        "wait_s>1e400", "wait_s>nan", "wait_s>-inf", "caller~" + String(repeating: "*a", count: 500),
        "caller~" + String(repeating: "?", count: 10_000), "é=é", "outcome=\u{202E}busy", "😀~😀*",
        String(repeating: "=", count: 1000), "caller~[", "caller~\\",
    ])
    func hostile(text: String) {
        do {
            let q = try query([text])
            _ = q.apply(Self.records) { $0 }
        } catch {
            #expect((error as? CallQuery.QueryError)?.description.isEmpty == false)
        }
    }

    @Test func globsBacktrackWithoutBlowingUp() {
        #expect(Glob.matches("+447700900001", pattern: "+44*00*1"))
        #expect(!Glob.matches("+447700900001", pattern: "+44*00*2"))
        #expect(Glob.matches("", pattern: "*"))
        #expect(!Glob.matches("", pattern: "?"))
        let long = String(repeating: "a", count: 5000)
        #expect(!Glob.matches(long, pattern: String(repeating: "*a", count: 200) + "b"))
    }

    @Test("--call: an exact id, else a unique prefix; several calls matching are listed")
    func callPrefix() {
        let calls = [("673b0437-dc3f", ["leg-1"]), ("673b0437-ffff", []), ("f49fa0af-e84c", []), ("f49fa0af-e84c", [])]
        func select(_ id: String) -> CallIDSelection.Match<(String, [String])> {
            CallIDSelection.select(id, in: calls) { [$0.0] + $0.1 }
        }
        guard case .found(let one) = select("f49f") else { Issue.record("f49f should match"); return }
        #expect(one.count == 2)  // the same call read twice is one call
        guard case .ambiguous(let names) = select("673b") else { Issue.record("673b is ambiguous"); return }
        #expect(names == ["673b0437-dc3f", "673b0437-ffff"])
        guard case .found(let exact) = select("673b0437-dc3f") else { Issue.record("exact id"); return }
        #expect(exact.count == 1)
        guard case .found(let leg) = select("leg-") else { Issue.record("leg prefix"); return }
        #expect(leg.first?.0 == "673b0437-dc3f")
        guard case .none = select("zzz") else { Issue.record("zzz matches nothing"); return }
        guard case .none = select("") else { Issue.record("empty id matches nothing"); return }
    }
}
