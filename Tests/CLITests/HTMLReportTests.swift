import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// `callscope report --format html` end to end on the bundled samples: every figure on the page
/// must be the one `report --format json` gives for the same inputs (README "HTML report").
/// The page is well-formed XML by construction, so the tests read it with `XMLParser`.
@Suite("report --format html")
struct HTMLReportTests {
    /// The Asterisk samples (cdr-samples/README.md): 13 calls around the 2026-03-29 DST change,
    /// A01-A04 on the 28th, the rest on the 29th.
    static let samples = ["cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log"]
    static let site = ["--timezone", "Europe/London", "--own-numbers", "+442079460100", "+442079460200", "+442079460300", "-q"]

    static func page(_ arguments: [String]) throws -> String {
        let result = try CLI.run(["report", "--format", "html"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static func overall(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(["report", "--format", "json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["overall"] as? [String: Any])
    }

    static func groups(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CLI.run(["report", "--format", "json"] + arguments)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["groups"] as? [[String: Any]])
    }

    /// The KPI tiles: key -> (data-value, data-previous).
    static func tiles(_ root: XMLNode) -> [String: (value: String, previous: String?)] {
        var out: [String: (String, String?)] = [:]
        for tile in root.all(where: { $0.attributes["class"] == "tile" }) {
            guard let key = tile.attributes["data-key"], let value = tile.attributes["data-value"] else { continue }
            out[key] = (value, tile.attributes["data-previous"])
        }
        return out
    }

    /// A tile's figure against the JSON value: the same number, or both null.
    static func same(_ text: String?, _ json: Any?) -> Bool {
        if json is NSNull || json == nil { return text == "null" }
        guard let text, let number = Double(text), let expected = (json as? NSNumber)?.doubleValue else { return false }
        return number == expected
    }

    @Test("KPI tiles and their previous period equal report --format json")
    func tilesEqualJSON() throws {
        let range = ["--from", "2026-03-29", "--to", "2026-03-30"]
        let root = try XMLNode.parse(try Self.page(Self.samples + Self.site + range))
        let tiles = Self.tiles(root)
        #expect(tiles.count == 15)
        let current = try Self.overall(Self.samples + Self.site + range)
        let previous = try Self.overall(Self.samples + Self.site + ["--from", "2026-03-28", "--to", "2026-03-29"])
        #expect(current["offered"] as? Int == 9 && previous["offered"] as? Int == 4)
        for (key, tile) in tiles {
            #expect(Self.same(tile.value, current[key]), "\(key): \(tile.value) vs \(String(describing: current[key]))")
            #expect(Self.same(tile.previous, previous[key]), "\(key) previous: \(String(describing: tile.previous)) vs \(String(describing: previous[key]))")
        }
        // The header names the period and the one compared with, in local time.
        let header = root.text
        #expect(header.contains("2026-03-29 00:00 to 2026-03-30 00:00 (end excluded)"))
        #expect(header.contains("2026-03-28 00:00 to 2026-03-29 00:00 (end excluded)"))
        #expect(header.contains("Europe/London"))
        #expect(header.contains("answered within 20 s / (offered - short abandons), inbound calls"))
    }

    @Test("Without --from/--to the days of the files are the period; the days before have no data")
    func filesWithoutRange() throws {
        let root = try XMLNode.parse(try Self.page(Self.samples + Self.site))
        let tiles = Self.tiles(root)
        let current = try Self.overall(Self.samples + Self.site)
        for (key, tile) in tiles { #expect(Self.same(tile.value, current[key]), "\(key)") }
        #expect(tiles.values.allSatisfy { $0.previous == nil })
        #expect(root.text.contains("2026-03-28 00:00 to 2026-03-30 00:00 (end excluded) (the days of the calls given)"))
        #expect(root.text.contains("previous period: no data"))
    }

    /// With --db the store is read by start time: the previous period's calls must be read too,
    /// even when the history windows would not reach them (--repeat-window 0).
    @Test func databaseReadsThePreviousPeriod() throws {
        let directory = TemporaryDirectory("callscope-html")
        defer { directory.remove() }
        let database = directory.file("calls.sqlite")
        let imported = try CLI.run(["import"] + Self.samples + ["--db", database, "--timezone", "Europe/London", "-q"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let options = ["--db", database, "--repeat-window", "0"] + Self.site + ["--from", "2026-03-29", "--to", "2026-03-30"]
        let tiles = Self.tiles(try XMLNode.parse(try Self.page(options)))
        let previous = try Self.overall(["--db", database, "--repeat-window", "0"] + Self.site + ["--from", "2026-03-28", "--to", "2026-03-29"])
        #expect(previous["offered"] as? Int == 4)
        for key in ["offered", "answered", "service_level", "lost_calls", "abandonment_rate"] {
            #expect(Self.same(tiles[key]?.previous, previous[key]), "\(key)")
        }
    }

    /// The numbers under the hour chart, the day chart and the lost-calls table are those of
    /// `report --by hour`, `report --by day` and `lost`.
    @Test func chartsAndTablesEqualTheOtherCommands() throws {
        let root = try XMLNode.parse(try Self.page(Self.samples + Self.site))
        func numbers(_ title: String) throws -> [String: [String]] {
            let figure = try #require(root.all(where: { $0.name == "figure" }).first { $0.first("title")?.text == title }, "\(title)")
            let rows = figure.first("tbody")?.children.filter { $0.name == "tr" } ?? []
            return Dictionary(rows.map { row in (row.children.first?.text ?? "", row.children.dropFirst().map(\.text)) }, uniquingKeysWith: { a, _ in a })
        }
        for (title, by) in [("Calls by hour of day", "hour"), ("Calls by day", "day")] {
            let table = try numbers(title)
            let groups = try Self.groups(Self.samples + Self.site + ["--by", by])
            #expect(!groups.isEmpty)
            for group in groups {
                let key = try #require(group["key"] as? String)
                let details = group["details"] as? [String: Any]
                #expect(table[key] == ["\(group["offered"] as? Int ?? -1)", "\(group["answered"] as? Int ?? -1)", "\(details?["abandoned"] as? Int ?? -1)"], "\(by) \(key)")
            }
            let total = table.values.reduce(0) { $0 + (Int($1.first ?? "") ?? 0) }
            #expect(total == 13)
        }
        let lost = try CLI.run(["lost", "--format", "json"] + Self.samples + Self.site)
        let lostCalls = try #require(try JSONSerialization.jsonObject(with: Data(lost.stdout.utf8)) as? [[String: Any]])
        let section = try #require(root.all(where: { $0.attributes["id"] == "lost" }).first)
        let rows = section.first("tbody")?.children.filter { $0.name == "tr" } ?? []
        #expect(rows.count == lostCalls.count && !rows.isEmpty)
        #expect(rows.map { $0.children[1].text } == lostCalls.map { $0["caller"] as? String ?? "withheld" })
    }

    /// With --rules the page lists the control events of `callscope events` (cdr-samples/team-day).
    @Test func controlEventsEqualTheEventsCommand() throws {
        let folder = "cdr-samples/team-day/"
        let rules = ["--rules", folder + "rules.yaml", "--shifts", folder + "shifts.csv", "--timezone", "Europe/London", "-q"]
        let events = try CLI.ndjson(try CLI.run(["events", folder + "queue_log"] + rules + ["-f", "ndjson"]).stdout)
        #expect(events.count > 5)
        let root = try XMLNode.parse(try Self.page([folder + "queue_log"] + rules))
        let section = try #require(root.all(where: { $0.attributes["id"] == "events" }).first)
        let tables = section.all(where: { $0.name == "tbody" })
        #expect(tables.count == 2)
        let rows = tables.last?.children.filter { $0.name == "tr" } ?? []
        #expect(rows.map { $0.children[1].text } == events.map { $0["rule"] as? String ?? "" })
        #expect(rows.map { $0.children[5].text } == events.map { $0["call_id"] as? String ?? "–" })
        // The summary's totals add up to the events.
        let totals = tables.first?.children.compactMap { Int($0.children.last?.text ?? "") } ?? []
        #expect(totals.reduce(0, +) == events.count)
    }

    /// With --talk the page has the talk-ownership section of `callscope talk --by agent` on the
    /// speech samples (captures/talk: real espeak-ng speech sent as G.711 RTP by SIPp).
    @Test func talkOwnershipEqualsTheTalkCommand() throws {
        let paths = ["talk-inbound", "talk-pcma", "talk-dtmf"].map { "captures/talk/\($0).pcap" }
        let result = try CLI.run(["talk"] + paths + ["--by", "agent", "-f", "json", "-q"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let root = try XMLNode.parse(try Self.page(paths + ["--talk", "--timezone", "UTC", "-q"]))
        let section = try #require(root.all(where: { $0.attributes["id"] == "talk" }).first)
        // The agents' table (the section's own, not the chart's Numbers).
        let table = section.children.first { $0.name == "table" }?.first("tbody")?.children.filter { $0.name == "tr" } ?? []
        #expect(table.count == rows.count && rows.count == 3)
        for (tr, row) in zip(table, rows) {
            #expect(tr.children[0].text == row["agent"] as? String)
            #expect(tr.children[1].text == "\(row["calls"] as? Int ?? -1)")
            let share = (row["agent_share"] as? NSNumber)?.doubleValue ?? -1
            // Whole percent on the page; the JSON's share has 3 decimals.
            let shown = Double(tr.children[2].text.dropLast()) ?? -100
            #expect(tr.children[2].text.hasSuffix("%") && abs(shown - share * 100) <= 0.55, "\(tr.children[2].text) vs \(share)")
        }
        // One strip per call with a timeline (three calls), each a band of owner segments.
        let strips = section.all(where: { $0.name == "svg" }).dropFirst()
        #expect(strips.count == 3)
        #expect(strips.allSatisfy { $0.all(where: { $0.name == "rect" }).count > 10 })
        // Without --talk there is no such section.
        #expect(try XMLNode.parse(try Self.page(paths + ["--timezone", "UTC", "-q"])).all(where: { $0.attributes["id"] == "talk" }).isEmpty)
    }

    @Test func printableSelfContainedPage() throws {
        let html = try Self.page(Self.samples + Self.site + ["--site", "Support line", "--target-service-level", "80", "--target-abandonment", "5"])
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@page { size: A4"))
        // No script, no fetch: nothing on the page names another origin except the SVG namespace.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "https?://", options: .regularExpression) == nil)
        let root = try XMLNode.parse(html)
        #expect(root.first("title")?.text == "Call report — Support line")
        let targets = root.all(where: { $0.attributes["class"] == "target" }).map(\.text)
        #expect(targets.count == 3)
        #expect(targets.contains { $0.hasPrefix("target ≥ 80.0%") })
        #expect(targets.contains { $0.hasPrefix("target ≤ 5.0%") })
    }

    @Test func htmlOptionsNeedFormatHTML() throws {
        let result = try CLI.run(["report"] + Self.samples + ["--site", "x"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--output, --site, --target-*, --rules, --shifts and --talk are for --format html."))
        let view = try CLI.run(["report", "--format", "html", "--view", "agents"] + Self.samples)
        #expect(view.status == 64)
    }

    @Test func writesTheFileGivenToOutput() throws {
        let directory = TemporaryDirectory("callscope-html")
        defer { directory.remove() }
        let file = directory.file("report.html")
        let result = try CLI.run(["report", "--format", "html", "-o", file] + Self.samples + Self.site)
        #expect(result.status == 0 && result.stdout.isEmpty)
        let html = try String(contentsOfFile: file, encoding: .utf8)
        #expect(Self.tiles(try XMLNode.parse(html))["offered"]?.value == "13")
    }
}

/// A small DOM of a well-formed page, read with `XMLParser`.
final class XMLNode: @unchecked Sendable {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    private var ownText = ""

    init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }

    /// The text of the node and its descendants, in order.
    var text: String { ownText + children.map(\.text).joined() }

    func all(where predicate: (XMLNode) -> Bool) -> [XMLNode] {
        (predicate(self) ? [self] : []) + children.flatMap { $0.all(where: predicate) }
    }

    func first(_ name: String) -> XMLNode? { all(where: { $0.name == name }).first }

    /// Parses `html`; throws when it is not well-formed.
    static func parse(_ html: String) throws -> XMLNode {
        let builder = Builder()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw NotWellFormed(description: "not well-formed: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
        }
        return root
    }

    struct NotWellFormed: Error, CustomStringConvertible { var description: String }

    final class Builder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let node = XMLNode(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            // Text after a child element is kept as a text child, so that order is preserved.
            guard let node = stack.last else { return }
            if node.children.isEmpty { node.ownText += string } else {
                let text = XMLNode(name: "#text", attributes: [:])
                text.ownText = string
                node.children.append(text)
            }
        }
    }
}
