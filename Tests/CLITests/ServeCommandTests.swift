import Foundation
import Testing
import TestSupport

/// `callscope serve` over real HTTP (curl against a child process on a free loopback port):
/// every route answers with the security headers, internal links resolve, the JSON routes give
/// the commands' bytes, bad parameters are 400s with a message, a token guards every page, and
/// caller IDs written to attack a web page are served only escaped.
@Suite("callscope serve over HTTP", .serialized)
struct ServeCommandTests {
    static let site = ["--timezone", "Europe/London", "--own-numbers", "+442079460100", "+442079460200", "+442079460300", "-q"]
    static let inputs = HTMLReportTests.samples + ["captures/answered-udp.pcap", "captures/hold-udp.pcap"]
    static let range = "from=2026-03-28&to=2026-03-31"

    /// A store imported from `inputs` with the site's numbers.
    static func store(_ inputs: [String], in directory: TemporaryDirectory, site: [String] = site, name: String = "calls.sqlite") throws -> String {
        let db = directory.file(name)
        let imported = try CLI.run(["import"] + inputs + ["--db", db] + site)
        #expect(imported.status == 0, "\(imported.stderr)")
        return db
    }

    @Test func everyPageAnswersWithItsHeadersAndLinksResolve() throws {
        let directory = TemporaryDirectory("callscope-serve")
        defer { directory.remove() }
        let db = try Self.store(Self.inputs, in: directory)
        let server = try ServedDashboard(["--db", db, "--timezone", "Europe/London"])
        defer { server.stop() }
        var links: Set<String> = []
        for path in ["/", "/calls", "/lost", "/agents", "/campaigns", "/attribution", "/heatmap"] {
            let page = try server.get(path + "?" + Self.range)
            #expect(page.status == 200, "\(path): \(page.body.prefix(300))")
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            let policy = page.headers["content-security-policy"] ?? ""
            #expect(policy.contains("default-src 'none'") && !policy.contains("script-src") && policy.contains("frame-ancestors 'none'"), "\(policy)")
            #expect(page.headers["x-content-type-options"] == "nosniff" && page.headers["referrer-policy"] == "no-referrer")
            #expect(!page.body.contains("<script"))
            _ = try XMLNode.parse(page.body)
            links.formUnion(ServedDashboard.links(page.body))
        }
        // Links between pages: the agents' calls, lost calls' call pages, the range kept.
        #expect(links.contains { $0.hasPrefix("/calls/") } && links.contains { $0.contains("where=agent%3D") })
        for link in links.sorted() {
            let target = try server.get(link)
            #expect(target.status == 200, "\(link): \(target.status) \(target.body.prefix(200))")
        }
        #expect(try server.get("/healthz").body == "ok\n")
        let missing = try server.get("/no-such-page")
        #expect(missing.status == 404 && missing.headers["x-content-type-options"] == "nosniff")
    }

    @Test func theJSONRoutesGiveTheCommandsBytes() throws {
        let directory = TemporaryDirectory("callscope-serve")
        defer { directory.remove() }
        let db = try Self.store(Self.inputs, in: directory)
        let server = try ServedDashboard(["--db", db, "--timezone", "Europe/London"])
        defer { server.stop() }
        let period = ["--db", db, "--from", "2026-03-28", "--to", "2026-03-31", "--timezone", "Europe/London", "-q"]
        for (query, extra) in [("", [String]()), ("&by=day", ["--by", "day"]), ("&by=agent", ["--by", "agent"]), ("&view=agents", ["--view", "agents"])] {
            let api = try server.get("/api/report?" + Self.range + query)
            let cli = try CLI.run(["report", "-f", "json"] + period + extra)
            #expect(api.status == 200 && api.headers["content-type"] == "application/json; charset=utf-8")
            #expect(api.body == cli.stdout, "/api/report\(query)")
        }
        let lost = try server.get("/api/lost?" + Self.range)
        #expect(lost.body == (try CLI.run(["lost", "-f", "json"] + period)).stdout)
        // The same zone named in the query: the same figures as --timezone.
        let zoned = try server.get("/api/report?" + Self.range + "&timezone=America/New_York")
        #expect(zoned.body == (try CLI.run(["report", "-f", "json", "--db", db, "--from", "2026-03-28", "--to", "2026-03-31", "--timezone", "America/New_York", "-q"])).stdout)
        // One captured call with its SIP messages: those of calls -f json on the capture.
        let calls = try JSONSerialization.jsonObject(with: Data(server.get("/api/calls?from=2026-11-25&to=2026-11-26").body.utf8)) as? [[String: Any]] ?? []
        let direct = try SIPMessagesTests.calls(["captures/answered-udp.pcap", "captures/hold-udp.pcap"])
        #expect(calls.map { $0["call_id"] as? String } == direct.map { $0["call_id"] as? String })
        // The list links each call to its page; the first captured call's page has its ladder.
        let listed = ServedDashboard.links(try server.get("/calls?from=2026-11-25&to=2026-11-26").body).filter { $0.hasPrefix("/calls/") }
        #expect(listed.count == direct.count)
        let first = try #require(direct.first)
        let path = try #require(listed.first)
        #expect(path.removingPercentEncoding?.hasSuffix("-" + (first["call_id"] as? String ?? "")) == true, "\(path)")
        let page = try server.get(path)
        #expect(page.status == 200 && page.body.contains("class=\"ladder\""))
        let one = try JSONSerialization.jsonObject(with: Data(server.get("/api" + path).body.utf8)) as? [String: Any] ?? [:]
        #expect(SIPMessagesTests.messages(one) == SIPMessagesTests.messages(first) && !SIPMessagesTests.messages(first).isEmpty)
    }

    @Test("Bad query parameters are a 400 with a message, never a 500", arguments: [
        ("/?from=yesterday", "from 'yesterday' is not YYYY-MM-DD"), ("/?from=2026-03-02&to=2026-03-01", "from must be before to"),
        ("/calls?page=abc", "page must be a whole number"), ("/calls?where=nofield%3D1", "unknown field 'nofield'"),
        ("/calls?where=%ZZ", "bad %-escape"), ("/calls?sort=-moon", "unknown field 'moon'"), ("/lost?bogus=1", "Unknown query parameter 'bogus'"),
        ("/calls/garbage", "A call's key is"), ("/api/report?by=moon", "by 'moon' is not one of"), ("/api/report?timezone=Mars/Base", "not an IANA time zone"),
        ("/api/report?view=campaigns", "needs campaigns"), ("/calls/12-no-such-call", "No stored call"),
    ])
    func badParameters(path: String, message: String) throws {
        let directory = TemporaryDirectory("callscope-serve")
        defer { directory.remove() }
        let db = try Self.store(["cdr-samples/asterisk-master.csv"], in: directory)
        let server = try ServedDashboard(["--db", db])
        defer { server.stop() }
        let page = try server.get(path)
        #expect(page.status == (message == "No stored call" ? 404 : 400), "\(path): \(page.status)")
        #expect(page.body.contains(message), "\(path): \(page.body)")
        #expect(page.headers["content-type"] == "text/plain; charset=utf-8" && page.headers["x-content-type-options"] == "nosniff")
    }

    @Test func aTokenGuardsEveryPage() throws {
        let directory = TemporaryDirectory("callscope-serve")
        defer { directory.remove() }
        let db = try Self.store(["cdr-samples/asterisk-master.csv"], in: directory)
        let token = "s3cret-token-0123456789"
        let server = try ServedDashboard(["--db", db, "--token", token])
        defer { server.stop() }
        for path in ["/", "/calls", "/api/report", "/api/calls"] {
            #expect(try server.get(path).status == 401)
            #expect(try server.get(path, headers: ["Authorization: Bearer s3cret-token-012345678X"]).status == 401)
            #expect(try server.get(path, headers: ["Authorization: Bearer s3cret-token-012345678"]).status == 401)
            #expect(try server.get(path, headers: ["Authorization: Bearer " + token]).status == 200)
            #expect(try server.get(path, headers: ["Cookie: callscope_token=" + token]).status == 200)
        }
        #expect(try server.get("/healthz").status == 200)
        let login = try server.get("/login?token=" + token)
        #expect(login.status == 303 && login.headers["set-cookie"]?.contains("HttpOnly; SameSite=Strict") == true)
        #expect(try server.get("/login?token=wrong").status == 401)
        // Beyond loopback without a token: refused before anything listens.
        let open = try CLI.run(["serve", "--db", db, "--listen", "0.0.0.0:0"])
        #expect(open.status == 64 && open.stderr.contains("--token"), "\(open.stderr)")
    }

    @Test func callerIDsWrittenToAttackThePageAreServedOnlyEscaped() throws {
        let directory = TemporaryDirectory("callscope-serve")
        defer { directory.remove() }
        let site = ["--timezone", "UTC", "--own-numbers", "+442079460100", "-q"]
        let db = try Self.store([HTMLReportHostileTests.capture, HTMLReportHostileTests.master], in: directory, site: site)
        let server = try ServedDashboard(["--db", db, "--timezone", "UTC"])
        defer { server.stop() }
        let range = "from=2026-03-01&to=2026-12-31"
        let list = try server.get("/calls?per=1000&" + range)
        let calls = ServedDashboard.links(list.body).filter { $0.hasPrefix("/calls/") }
        #expect(calls.count == 11, "\(calls.count) call pages")
        var all = ""
        for path in ["/?" + range, "/calls?per=1000&" + range, "/lost?" + range, "/agents?" + range, "/calls?q=%3Cscript&" + range] + calls {
            let page = try server.get(path)
            #expect(page.status == 200, "\(path)")
            let html = page.body
            all += html
            let root = try XMLNode.parse(html)
            let elements = Set(root.all(where: { _ in true }).map(\.name))
            #expect(elements.isDisjoint(with: ["script", "img", "iframe", "object", "embed", "base", "link", "foreignObject"]), "\(path): \(elements)")
            #expect(root.all(where: { $0.name == "a" }).allSatisfy { $0.attributes["href"].map { $0.hasPrefix("/") || $0.hasPrefix("#") } == true })
            for node in root.all(where: { !$0.attributes.isEmpty }) {
                for (name, value) in node.attributes {
                    #expect(!name.lowercased().hasPrefix("on"), "\(path): attribute \(name)")
                    #expect(!value.lowercased().hasPrefix("javascript:"), "\(path): \(name)=\(value.prefix(80))")
                }
            }
            #expect(!html.contains("<script>") && !html.contains("<img"))
            #expect(!html.unicodeScalars.contains { $0 == "\u{202E}" || ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }, "\(path)")
        }
        #expect(all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(all.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(all.contains("\\u202e+447700900003"))
        // The captured calls' pages draw their ladder.
        #expect(all.contains("class=\"ladder\""))
    }

    /// `/attribution` and `view=attribution`: `serve --visits` attributes the stored calls as
    /// `report --db --visits` does (the same JSON bytes); a store imported with `--visits` shows
    /// the stored attribution without them (the same rows); a visit's UTM fields, which anyone
    /// can put in a link to the website, are served escaped.
    @Test func theAttributionViewIsReportsAndEscapesVisitFields() throws {
        let directory = TemporaryDirectory("callscope-serve")
        defer { directory.remove() }
        let day = VisitAttributionTests.day
        let site = ["--timezone", "Europe/London", "--own-numbers", "+4420794605*", "+442079460900", "--campaigns", day + "campaigns.yaml", "-q"]
        // The website day's visits, one of them with UTM fields written to attack the page.
        var lines = try String(contentsOfFile: TestPaths.root.path + "/" + day + "visits.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        // A visit that brought a call (the generator's ground truth says which).
        let called = Set(try VisitAttributionTests.expected().compactMap { call -> String? in
            guard let touch = call["touch_first"] as? [String: Any], VisitAttributionTests.text(touch["attribution"]) == "pool",
                  VisitAttributionTests.text(touch["ambiguous"]) != "1" else { return nil }
            return VisitAttributionTests.text(touch["visitor_id"])
        })
        let row = try #require(lines.indices.dropFirst().first { called.contains(String(lines[$0].split(separator: ",", omittingEmptySubsequences: false)[1])) })
        var fields = lines[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[5] = "<script>alert(1)</script>"
        fields[9] = "javascript:alert(1)"
        lines[row] = fields.joined(separator: ",")
        let visits = directory.file("visits.csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: visits, atomically: true, encoding: .utf8)
        let attribution = ["--visits", visits, "--visits", day + "visits-app.ndjson", "--costs", day + "costs.csv", "--value", "50"]
        let period = "from=2026-06-10&to=2026-06-11"

        let plain = try Self.store([day + "master.csv"], in: directory, site: site)
        let server = try ServedDashboard(["--db", plain] + site + attribution)
        defer { server.stop() }
        var attributedRows: [String: [[String: Any]]] = [:]
        for by in ["utm_source", "utm_campaign", "attribution"] {
            let api = try server.get("/api/report?\(period)&view=attribution&by=\(by)")
            let cli = try CLI.run(["report", "--view", "attribution", "--by", by, "-f", "json", "--db", plain, "--from", "2026-06-10", "--to", "2026-06-11"] + site + attribution)
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(api.status == 200 && api.body == cli.stdout, "by \(by): \(api.body.prefix(300))")
            let report = try #require(JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
            attributedRows[by] = report["rows"] as? [[String: Any]]
            #expect((report["pool_calls"] as? Int ?? 0) > 20, "by \(by)")
        }
        let page = try server.get("/attribution?\(period)&by=utm_source")
        #expect(page.status == 200)
        _ = try XMLNode.parse(page.body)
        #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.body.contains("<script>"))
        for row in attributedRows["utm_source"] ?? [] {
            let name = VisitAttributionTests.text(row["utm_source"])
            #expect(page.body.contains(">" + name.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;") + "<"), "row \(name)")
        }
        // The overview has the section too; a call's page shows its visit (the hostile landing page only as text).
        #expect(try server.get("/?" + period).body.contains("id=\"attribution\""))
        let hostileFilter = "\(period)&per=1000&where=utm_source%3D%3Cscript%3Ealert(1)%3C%2Fscript%3E"
        let listed = try JSONSerialization.jsonObject(with: Data(server.get("/api/calls?" + hostileFilter).body.utf8)) as? [[String: Any]] ?? []
        let hostile = try #require(listed.first, "no call attributed to the hostile visit")
        #expect(VisitAttributionTests.text(hostile["landing_page"]) == "javascript:alert(1)")
        let callLink = try #require(ServedDashboard.links(try server.get("/calls?" + hostileFilter).body).first { $0.hasPrefix("/calls/") })
        let callPage = try server.get(callLink)
        #expect(callPage.status == 200 && callPage.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!ServedDashboard.links(callPage.body).contains { $0.lowercased().hasPrefix("javascript") })

        // Imported with the visits, served without them: the stored attribution, the same rows.
        let stored = try Self.store([day + "master.csv"] + attribution.prefix(4), in: directory, site: site, name: "stored.sqlite")
        let storedServer = try ServedDashboard(["--db", stored] + site + ["--costs", day + "costs.csv", "--value", "50"])
        defer { storedServer.stop() }
        for by in ["utm_source", "utm_campaign"] {
            let report = try #require(JSONSerialization.jsonObject(with: Data(storedServer.get("/api/report?\(period)&view=attribution&by=\(by)").body.utf8)) as? [String: Any])
            let rows = report["rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0.mapValues(VisitAttributionTests.text) } == (attributedRows[by] ?? []).map { $0.mapValues(VisitAttributionTests.text) }, "by \(by)")
        }
        // Nothing attributed at all: the page says how to get attribution.
        let none = try ServedDashboard(["--db", try Self.store(["cdr-samples/asterisk-master.csv"], in: directory, name: "none.sqlite")])
        defer { none.stop() }
        #expect(try none.get("/attribution").body.contains("No visit attribution"))
    }
}
