import CallMetrics
import CallModel
import CallStore
@testable import Dashboard
import Foundation
import Reports
import Testing
import TestSupport

@Suite struct DashboardUnitTests {
    @Test func queryStringsDecodeAsFormsSendThem() throws {
        let p = try QueryParameters("q=%2B44+20&where=agent%3D%3Cb%3E&where=outcome%3Dbusy&from=", allowed: ["q", "where", "from"])
        #expect(p.value("q") == "+44 20")
        #expect(p.values("where") == ["agent=<b>", "outcome=busy"])
        #expect(p.value("from") == nil)
    }

    @Test("Bad parameters are a 400 naming the problem", arguments: [
        ("q=%ZZ", "bad %-escape"), ("q=%C3%28", "not UTF-8"), ("nope=1", "Unknown query parameter 'nope'"), ("page=0", "page must be a whole number"),
        ("page=1e9999", "page must be"), ("per=5000", "per must be"),
    ])
    func badParameters(query: String, message: String) throws {
        do {
            let p = try QueryParameters(query, allowed: ["q", "page", "per"])
            _ = try p.integer("page", in: 1...1_000_000)
            _ = try p.integer("per", in: 1...1000)
            Issue.record("\(query) was accepted")
        } catch {
            #expect(error.status == .badRequest && error.description.contains(message), "\(error)")
        }
    }

    @Test func rangeDefaultsToTheLastSevenLocalDays() throws {
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        // 2026-03-30 10:00 BST (09:00Z), the day after the clocks went forward.
        let now = Timestamp(seconds: 1_774_861_200)
        let range = try DashboardRange.resolve(QueryParameters(nil, allowed: []), zone: zone, now: now)
        #expect(range.fromText == "2026-03-24" && range.toText == "2026-03-31")
        #expect(range.from == Timestamp(seconds: 1_774_310_400))  // 2026-03-24T00:00Z (GMT)
        #expect(range.to == Timestamp(seconds: 1_774_911_600))  // 2026-03-31T00:00+01:00
        for bad in ["from=2026-13-01", "from=2026-03-02&to=2026-03-01", "from=2020-01-01&to=2026-01-01"] {
            #expect(throws: DashboardError.self) { try DashboardRange.resolve(QueryParameters(bad, allowed: ["from", "to"]), zone: zone, now: now) }
        }
    }

    @Test func listenAddresses() {
        #expect(ListenAddress.parse("127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(ListenAddress.parse("[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(ListenAddress.parse("0.0.0.0:80")?.isLoopback == false)
        #expect(ListenAddress.parse("127.9.9.9:1")?.isLoopback == true)
        #expect(ListenAddress.parse("127.0.0.1.evil.example:1")?.isLoopback == false)
        for bad in ["8080", "host:", "::1:80", "[::1]80", "a:70000"] { #expect(ListenAddress.parse(bad) == nil, "\(bad)") }
    }

    @Test func anyAddressButLoopbackNeedsAToken() {
        let options = MetricsOptions(timeZone: TimeZone(identifier: "UTC") ?? .current)
        let open = DashboardConfiguration(databasePath: "x", listen: .init(host: "0.0.0.0", port: 80), options: options)
        #expect(throws: DashboardError.self) { try open.validate() }
        var short = open
        short.token = "short"
        #expect(throws: DashboardError.self) { try short.validate() }
        var guarded = open
        guarded.token = "0123456789abcdef"
        #expect(throws: Never.self) { try guarded.validate() }
        #expect(throws: Never.self) { try DashboardConfiguration(databasePath: "x", options: options).validate() }
    }

    @Test func tokensCompareWhole() {
        #expect(TokenCheck.constantTimeEqual("0123456789abcdef", "0123456789abcdef"))
        #expect(!TokenCheck.constantTimeEqual("0123456789abcdef", "0123456789abcdeF"))
        #expect(!TokenCheck.constantTimeEqual("0123456789abcdef", "0123456789abcde"))
        #expect(!TokenCheck.constantTimeEqual("", "x"))
    }

    /// The overview lists the range's first ``DashboardPages/overviewLostRows`` lost calls and
    /// links to `/lost`, which lists them all (up to 1,000): the same calls, in the same order.
    @Test func theOverviewListsTheFirstLostCallsAndLinksToTheRest() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("lost.sqlite")
        let utc = try #require(TimeZone(identifier: "UTC"))
        // 2026-03-02: 150 inbound calls from different callers abandoned after 20 s, one every 9 minutes, and one answered.
        let day: Int64 = 1_772_409_600
        var calls = (0..<150).map { i in
            let start = Timestamp(seconds: day + Int64(i) * 540)
            return Call(callID: "lost-\(i)", source: "/test/lost.csv", start: start, caller: "+4477009" + String(10_000 + i), dialed: "+442079460100",
                        outcome: .abandoned, endedAt: Timestamp(seconds: day + Int64(i) * 540 + 20), direction: .inbound, format: "asterisk-csv")
        }
        calls.append(Call(callID: "answered", source: "/test/lost.csv", start: Timestamp(seconds: day + 30), caller: "+447700900001", dialed: "+442079460100",
                          outcome: .answered, answeredAt: Timestamp(seconds: day + 40), endedAt: Timestamp(seconds: day + 100), agent: "SIP/201",
                          direction: .inbound, format: "asterisk-csv"))
        let db = try CallDatabase(path: path)
        _ = try db.importFile(FileIdentity(path: "/test/lost.csv", size: 1, sha256: String(repeating: "0", count: 64)), calls: calls, rows: calls.count, badRows: 0)
        let renderer = try DashboardRenderer(DashboardConfiguration(databasePath: path, options: MetricsOptions(timeZone: utc)))
        let query = "from=2026-03-02&to=2026-03-03"
        /// The rows of the lost-calls section's table.
        func lostRows(_ page: String) throws -> [Substring] {
            let section = try #require(page.range(of: "<section id=\"lost\">"))
            let rest = page[section.upperBound...]
            let end = try #require(rest.range(of: "</section>"))
            return rest[..<end.lowerBound].components(separatedBy: "<tr>").dropFirst(2).map { Substring($0.components(separatedBy: "</tr>")[0]) }
        }
        let overview = try renderer.page("/", query: query)
        let all = try renderer.page("/lost", query: query)
        let shown = try lostRows(overview), listed = try lostRows(all)
        #expect(shown.count == DashboardPages.overviewLostRows && listed.count == 150)
        #expect(Array(listed.prefix(shown.count)) == shown)
        #expect(shown.first?.contains("+447700910000") == true && listed.last?.contains("+447700910149") == true)
        #expect(overview.contains("150 lost calls, 150 not returned yet"))
        #expect(overview.contains("The first 100 of 150: see <a href=\"/lost?from=2026-03-02&amp;to=2026-03-03\">Lost calls</a>"))
        #expect(!all.contains("The first "))
    }

    @Test func callKeysRoundTripThroughURLs() throws {
        for (id, ns) in [("a84b4c76e66710@pc33.example.com", Int64(1_772_442_000_123_456_789)), ("x/y-z?<&>", -5), ("", 0)] {
            let key = CallKey(callID: id, start: Timestamp(nanoseconds: ns))
            let path = Links.call(id, start: key.start)
            #expect(path.hasPrefix("/calls/") && !path.dropFirst(7).contains("/"))
            let decoded = try #require(String(path.dropFirst(7)).removingPercentEncoding)
            #expect(CallKey(decoded) == key)
        }
        #expect(CallKey("abc") == nil && CallKey("12") == nil)
    }
}
