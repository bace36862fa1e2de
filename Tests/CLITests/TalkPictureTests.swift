import Foundation
import Testing
import TestSupport

/// The talk pictures (`talk -f svg`) of real bundled calls: every text inside the picture,
/// the RTP loss and MOS of the impaired call in its header, a clock-time axis in the site's
/// zone, a width that grows with the call, and a per-agent chart whose legend and axis labels
/// do not overlap.
@Suite("talk pictures")
struct TalkPictureTests {
    /// A `<text>` element: where it is anchored, how, its font size and its characters.
    struct Text {
        var x: Double
        var y: Double
        var anchor: String
        var fontSize: Double
        var content: String

        /// Its horizontal extent, with the renderer's average character width (DejaVu Sans,
        /// rsvg-convert's default sans-serif: 7.0-7.6 px per character at 12 px).
        var span: ClosedRange<Double> {
            let width = Double(content.count) * 7.7 * fontSize / 12
            switch anchor {
            case "end": return (x - width)...x
            case "middle": return (x - width / 2)...(x + width / 2)
            default: return x...(x + width)
            }
        }
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let range = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func texts(_ svg: String) throws -> [Text] {
        let pattern = try Regex(#"<text([^>]*)>([^<]*)</text>"#)
        return svg.matches(of: pattern).compactMap { match in
            guard let attributes = match.output[1].substring, let body = match.output[2].substring else { return nil }
            let content = String(body).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            return Text(x: Double(attribute("x", in: attributes) ?? "") ?? -1, y: Double(attribute("y", in: attributes) ?? "") ?? -1,
                        anchor: attribute("text-anchor", in: attributes) ?? "start",
                        fontSize: Double(attribute("font-size", in: attributes) ?? "") ?? 12, content: content)
        }
    }

    static func width(_ svg: String) -> Double {
        Double(attribute("width", in: Substring(svg.prefix(300))) ?? "") ?? 0
    }

    static func picture(_ arguments: [String]) throws -> String {
        let result = try CLI.run(["talk", "-f", "svg", "-q"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("<svg"))
        return result.stdout
    }

    @Test(arguments: ["talk-inbound", "talk-pcma", "talk-dtmf", "rtp-impaired"])
    func everyTextIsInsideThePicture(_ name: String) throws {
        let svg = try Self.picture(["captures/talk/\(name).pcap"])
        let width = Self.width(svg)
        #expect(width >= 960)
        let texts = try Self.texts(svg)
        #expect(texts.count > 10)
        for text in texts {
            #expect(text.span.lowerBound >= 0 && text.span.upperBound <= width, "\(name): \"\(text.content)\" spans \(text.span) in \(width) px")
        }
    }

    /// The impaired call's caller lost 29 packets by tshark's count (31 dropped, 2 duplicated;
    /// captures/talk/rtp-impaired.expected.txt): the header says so, with both MOS figures.
    @Test func impairedCallShowsLossAndMOS() throws {
        let svg = try Self.picture(["captures/talk/rtp-impaired.pcap"])
        let header = try #require(try Self.texts(svg).first { $0.content.hasPrefix("RTP caller/agent:") })
        #expect(header.content.hasPrefix("RTP caller/agent: lost 29/0 packets, MOS "), "\(header.content)")
        let mos = try Regex(#"MOS (\d\.\d\d)/(\d\.\d\d)"#)
        let match = try #require(header.content.firstMatch(of: mos))
        let caller = try #require(Double(String(match.output[1].substring ?? "")))
        let agent = try #require(Double(String(match.output[2].substring ?? "")))
        #expect(caller < agent)  // the lossy direction scores lower
        // The same figures as the table's columns.
        let table = try CLI.run(["talk", "captures/talk/rtp-impaired.pcap", "--color", "never", "-q"])
        #expect(table.stdout.contains(match.output[1].substring.map { "\($0)/" } ?? "-"))
    }

    /// Ticks are clock times in the zone given, named under the axis; without one, UTC.
    @Test func axisShowsClockTime() throws {
        let utc = try Self.texts(try Self.picture(["captures/talk/talk-inbound.pcap"]))
        let london = try Self.texts(try Self.picture(["captures/talk/talk-inbound.pcap", "--timezone", "America/New_York"]))
        #expect(utc.contains { $0.content == "time (UTC)" })
        #expect(london.contains { $0.content == "time (America/New_York)" })
        let clock = try Regex(#"^\d\d:\d\d:\d\d$"#)
        let utcTicks = utc.filter { $0.content.wholeMatch(of: clock) != nil }
        let localTicks = london.filter { $0.content.wholeMatch(of: clock) != nil }
        #expect(utcTicks.count >= 3)
        #expect(utcTicks.count == localTicks.count)
        // Same instants, the New York clock 4 or 5 hours behind.
        for (u, l) in zip(utcTicks, localTicks) {
            let hours = { (text: String) in Int(text.prefix(2)) ?? -100 }
            #expect([4, 5].contains((hours(u.content) - hours(l.content) + 24) % 24))
            #expect(u.content.suffix(5) == l.content.suffix(5))
            #expect(u.x == l.x)
        }
    }

    /// An 8-minute recording (the bundled one played 16 times by sox) is 5 px per second wide,
    /// not squeezed into the 30-second call's width.
    @Test func widthGrowsWithTheCall() throws {
        let directory = TemporaryDirectory("callscope-long")
        defer { directory.remove() }
        let wav = try #require(try FileManager.default.contentsOfDirectory(atPath: TestPaths.capture("talk")).first { $0.hasPrefix("talk-inbound-") && $0.hasSuffix(".wav") })
        let long = directory.file("long-call.wav")
        try ProcessRunner.tool("sox", [TestPaths.capture("talk/" + wav), long, "repeat", "15"])
        let short = try Self.picture(["captures/talk/" + wav])
        let longPicture = try Self.picture([long])
        #expect(Self.width(short) == 960)
        let record = try #require(try talkRecords([long, "-q"]).first)
        let seconds = number(record["duration_s"])
        #expect(seconds > 470 && seconds < 490)
        #expect(Self.width(longPicture) == (70 + 30 + seconds * 5).rounded(.up), "\(Self.width(longPicture))")
        for text in try Self.texts(longPicture) {
            #expect(text.span.upperBound <= Self.width(longPicture))
        }
    }

    /// The per-agent chart: legend entries, axis labels and the axis title never overlap.
    @Test func agentChartLabelsDoNotOverlap() throws {
        let svg = try Self.picture(["captures/talk/talk-inbound.pcap", "captures/talk/talk-pcma.pcap", "captures/talk/talk-dtmf.pcap", "captures/talk/rtp-impaired.pcap", "--by", "agent"])
        let width = Self.width(svg)
        let texts = try Self.texts(svg)
        #expect(texts.count > 14)
        for (index, a) in texts.enumerated() {
            #expect(a.span.lowerBound >= 0 && a.span.upperBound <= width, "\"\(a.content)\"")
            for b in texts[(index + 1)...] where abs(a.y - b.y) < 12 {
                #expect(!a.span.overlaps(b.span), "\"\(a.content)\" and \"\(b.content)\" overlap")
            }
        }
    }
}
