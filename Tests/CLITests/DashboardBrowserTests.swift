import Foundation
import Testing
import TestSupport

/// The dashboard in a real browser: `serve` on a free loopback port over a store of the bundled
/// samples, every page loaded by headless chromium (a non-blank screenshot of the window's size,
/// the DOM after layout): the overview's KPI tiles are `report --format json`'s for the same
/// range, every internal link of every page resolves, and the ladder of a captured call draws
/// its messages in capture order (those of `calls --format json`).
@Suite("Dashboard in a browser", .serialized)
struct DashboardBrowserTests {
    /// Loads `url` in headless chromium: the DOM after layout, and a screenshot at `shot`.
    static func browse(_ chromium: String, _ url: String, shot: String, height: Int, profile: String) throws -> String {
        let browser = try ProcessRunner.run(URL(fileURLWithPath: chromium), [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--user-data-dir=" + profile,
            "--window-size=1280,\(height)", "--screenshot=" + shot, "--dump-dom", url,
        ])
        #expect(browser.status == 0, "\(browser.stderr.suffix(2000))")
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: shot)))
        #expect(png.count > 24 && png[1...3] == [0x50, 0x4E, 0x47], "\(url): not a PNG")
        func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(16) == 1280 && be32(20) == height, "\(url): size \(be32(16)) x \(be32(20))")
        #expect(try HTMLReportBrowserTests.inkShare(shot) > 0.003, "\(url): blank")  // a white page is 0; the shortest page here, 0.004
        return browser.stdout
    }

    static func unescaped(_ html: String) -> String {
        html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func everyPageInChromium() throws {
        guard let chromium = HTMLReportBrowserTests.chromium else {
            Issue.record("chromium is not installed: apt-get install chromium, or run scripts/install-deps.sh")
            return
        }
        let directory = TemporaryDirectory("callscope-dashboard-browser")
        defer { directory.remove() }
        let db = try ServeCommandTests.store(ServeCommandTests.inputs, in: directory)
        let server = try ServedDashboard(["--db", db, "--timezone", "Europe/London"])
        defer { server.stop() }
        let range = ServeCommandTests.range
        var checked: Set<String> = []
        for (index, path) in ["/", "/calls", "/lost", "/agents", "/campaigns", "/attribution", "/heatmap"].enumerated() {
            let dom = try Self.browse(chromium, server.base + path + "?" + range, shot: directory.file("page-\(index).png"), height: 1600, profile: directory.file("profile"))
            #expect(!dom.contains("<script"))
            #expect(dom.contains("<nav class=\"site\">"))
            for link in Set(ServedDashboard.links(dom)).subtracting(checked) {
                checked.insert(link)
                let target = try server.get(link)
                #expect(target.status == 200, "\(path) links \(link): \(target.status)")
            }
            if path == "/" {
                let json = try HTMLReportTests.overall(["--db", db, "--from", "2026-03-28", "--to", "2026-03-31", "--timezone", "Europe/London", "-q"])
                let tiles = HTMLReportBrowserTests.tiles(dom)
                #expect(tiles.count == 15, "\(tiles.count) tiles")
                for (key, tile) in tiles {
                    #expect(HTMLReportTests.same(tile.value, json[key]), "\(key): \(tile.value) vs \(String(describing: json[key]))")
                }
                #expect(json["offered"] as? Int ?? 0 > 0)
            }
        }
        // A captured call's page: its ladder lists the messages of calls -f json, in order.
        let calls = try SIPMessagesTests.calls(["captures/hold-udp.pcap"])
        let call = try #require(calls.first)
        let listed = ServedDashboard.links(try server.get("/calls?from=2026-11-25&to=2026-11-26&q=" + (call["call_id"] as? String ?? "").prefix(12)).body)
        let path = try #require(listed.first { $0.hasPrefix("/calls/") && $0.removingPercentEncoding?.hasSuffix("-" + (call["call_id"] as? String ?? "")) == true })
        let dom = try Self.browse(chromium, server.base + path, shot: directory.file("call.png"), height: 1400, profile: directory.file("profile"))
        let regex = try NSRegularExpression(pattern: #"<g class="message" data-index="(\d+)"><title>([^<]*)</title>"#)
        let text = dom as NSString
        let drawn = regex.matches(in: dom, range: NSRange(location: 0, length: text.length)).map { match in
            (Int(text.substring(with: match.range(at: 1))) ?? -1, Self.unescaped(text.substring(with: match.range(at: 2))))
        }
        let expected = SIPMessagesTests.messages(call)
        #expect(drawn.count == expected.count && expected.count > 6)
        for (position, (index, title)) in drawn.enumerated() {
            #expect(index == position)
            guard position < expected.count else { break }
            #expect(title.hasPrefix(expected[position].firstLine + "  (CSeq \(expected[position].cseq) \(expected[position].cseqMethod)"), "\(position): \(title)")
            #expect(title.contains(expected[position].source + " → " + expected[position].destination))
        }
    }
}
