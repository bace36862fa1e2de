import Foundation
import Testing
import TestSupport

/// The HTML report of the bundled samples opened in a real browser (Debian's `chromium`,
/// headless; `scripts/install-deps.sh` installs it): the screenshot is a picture of the expected
/// size that is not blank, and the KPI figures in the DOM the browser built are those of
/// `report --format json` for the same inputs.
@Suite("HTML report in a browser")
struct HTMLReportBrowserTests {
    static let chromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"]

    static var chromium: String? { chromiumPaths.first { FileManager.default.isExecutableFile(atPath: $0) } }

    @Test func screenshotAndDOMOfTheSamples() throws {
        guard let chromium = Self.chromium else {
            Issue.record("chromium is not installed (looked for \(Self.chromiumPaths.joined(separator: ", "))): apt-get install chromium, or run scripts/install-deps.sh")
            return
        }
        let directory = TemporaryDirectory("callscope-browser")
        defer { directory.remove() }
        let page = directory.file("report.html"), shot = directory.file("report.png")
        let inputs = HTMLReportTests.samples + HTMLReportTests.site
        let written = try CLI.run(["report", "--format", "html", "-o", page] + inputs)
        #expect(written.status == 0, "\(written.stderr)")

        // One browser run: the screenshot and the serialised DOM after layout.
        let browser = try ProcessRunner.run(URL(fileURLWithPath: chromium), [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--user-data-dir=" + directory.file("profile"),
            "--window-size=1280,2000", "--screenshot=" + shot, "--dump-dom", URL(fileURLWithPath: page).absoluteString,
        ])
        #expect(browser.status == 0, "\(browser.stderr.suffix(2000))")

        // The PNG: 1280 x 2000 (IHDR, PNG spec §11.2.2), and not blank.
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: shot)))
        #expect(png.count > 24 && png[1...3] == [0x50, 0x4E, 0x47], "not a PNG")
        func be32(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(16) == 1280 && be32(20) == 2000, "size \(be32(16)) x \(be32(20))")
        #expect(png.count > 40_000, "a \(png.count)-byte screenshot is (almost) blank")
        #expect(try Self.inkShare(shot) > 0.02)

        // The DOM: each tile's figure is the JSON's, in data-value and as shown.
        let dom = browser.stdout
        #expect(!dom.contains("<script"))
        let json = try HTMLReportTests.overall(inputs)
        let tiles = Self.tiles(dom)
        #expect(tiles.count == 15, "\(tiles.count) tiles in the DOM")
        for (key, tile) in tiles {
            #expect(HTMLReportTests.same(tile.value, json[key]), "\(key): \(tile.value) vs \(String(describing: json[key]))")
            if let number = (json[key] as? NSNumber)?.doubleValue {
                let shown = Double(tile.shown.filter { $0.isNumber || $0 == "." || $0 == "-" }) ?? .nan
                let expected = key.contains("rate") || key == "service_level" ? number * 100 : number
                #expect(abs(shown - expected) <= 0.05 + 1e-9, "\(key) shows \(tile.shown), JSON \(number)")
            } else {
                #expect(tile.shown == "–", "\(key) shows \(tile.shown) for null")
            }
        }
    }

    /// key -> (data-value, the figure's text) of every KPI tile in a serialised DOM.
    static func tiles(_ dom: String) -> [String: (value: String, shown: String)] {
        let pattern = #"data-key="([^"]+)" data-value="([^"]+)"[^>]*><div class="name">[^<]*</div><div class="figure">([^<]*)</div>"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [:] }
        let text = dom as NSString
        var out: [String: (String, String)] = [:]
        for match in regex.matches(in: dom, range: NSRange(location: 0, length: text.length)) {
            out[text.substring(with: match.range(at: 1))] = (text.substring(with: match.range(at: 2)), text.substring(with: match.range(at: 3)))
        }
        return out
    }

    /// The share of the screenshot's filtered scanline bytes that are not zero (a white page
    /// filters to zeros): inflated by Python's zlib, so the test needs no image library.
    static func inkShare(_ png: String) throws -> Double {
        let script = """
            import struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            pos, idat = 8, b''
            while pos < len(data):
                length, kind = struct.unpack('>I4s', data[pos:pos + 8])
                if kind == b'IDAT': idat += data[pos + 8:pos + 8 + length]
                pos += 12 + length
            raw = zlib.decompress(idat)
            print((len(raw) - raw.count(0)) / len(raw))
            """
        let output = try ProcessRunner.tool("python3", ["-c", script, png])
        return Double(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
