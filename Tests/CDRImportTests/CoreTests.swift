import CallModel
import Foundation
import Testing
@testable import CDRImport

/// Scans `text` and returns each record's fields as strings with its line number.
func scan(_ text: String) -> [(line: Int, fields: [String], unterminated: Bool)] {
    var out: [(Int, [String], Bool)] = []
    Array(text.utf8).withUnsafeBytes { bytes in
        var scanner = CSVScanner(bytes: bytes)
        var record = CSVRecord()
        while scanner.next(into: &record) {
            out.append((record.line, record.fields.map { bytes.string($0) }, record.unterminatedQuote))
        }
    }
    return out
}

@Suite struct CSVScannerTests {
    @Test func quotesEscapesAndBareFields() {
        let rows = scan("\"\",\"101\",\"200\",\"from-internal\",\"\"\"Alice\"\" <101>\",,3,\"a,b\"\n")
        #expect(rows.count == 1)
        #expect(rows[0].fields == ["", "101", "200", "from-internal", "\"Alice\" <101>", "", "3", "a,b"])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func everyLineEnding(_ end: String) {
        let rows = scan("a,b" + end + end + "c,d" + end)
        #expect(rows.map(\.fields) == [["a", "b"], ["c", "d"]])
        #expect(rows.map(\.line) == [1, 3])
    }

    @Test func lineBreakInsideQuotesBelongsToTheField() {
        let rows = scan("\"x\ny\",1\nz,2\n")
        #expect(rows.map(\.fields) == [["x\ny", "1"], ["z", "2"]])
        #expect(rows.map(\.line) == [1, 3])
    }

    /// FreePBX writes `"User 9" <113>`: quoted text that goes on after the closing quote.
    @Test func textAfterTheClosingQuoteIsKeptRaw() {
        let rows = scan("1,\"User 9\" <113>,2\n")
        #expect(rows[0].fields == ["1", "\"User 9\" <113>", "2"])
    }

    @Test func unterminatedQuoteIsFlagged() {
        let rows = scan("1,\"open\n")
        #expect(rows[0].unterminated)
    }

    @Test func noTrailingNewlineAndBOM() {
        let rows = scan("\u{FEFF}h1,h2\nv1,v2")
        #expect(rows.map(\.fields) == [["h1", "h2"], ["v1", "v2"]])
    }

    @Test func typedFields() {
        Array("42, -7 ,9.12678E+11,NULL,abc,1.2e5".utf8).withUnsafeBytes { bytes in
            var scanner = CSVScanner(bytes: bytes)
            var record = CSVRecord()
            _ = scanner.next(into: &record)
            #expect(bytes.integer(record.fields[0]) == 42)
            #expect(bytes.integer(record.fields[1]) == -7)
            #expect(bytes.integer(record.fields[2]) == nil)
            #expect(bytes.isScientificNotation(record.fields[2]))
            #expect(bytes.isScientificNotation(record.fields[5]))
            #expect(!bytes.isScientificNotation(record.fields[4]))
            #expect(bytes.isNull(record.fields[3]))
            #expect(bytes.optionalString(record.fields[3]) == nil)
        }
    }
}

@Suite struct LocalTimeTests {
    func parse(_ text: String) -> CivilDateTime? {
        Array(text.utf8).withUnsafeBytes { CivilDateTime.parseISO($0, 0..<$0.count) }
    }

    @Test func isoForms() {
        #expect(parse("2024-03-31 01:30:00") == CivilDateTime(year: 2024, month: 3, day: 31, hour: 1, minute: 30, second: 0))
        #expect(parse("2024-03-31T01:30:00.250") == CivilDateTime(year: 2024, month: 3, day: 31, hour: 1, minute: 30, second: 0, nanosecond: 250_000_000))
        #expect(parse("2020/2/10 22:41") == nil)
        #expect(parse("10/02/2020 22:41:35") == nil)
        #expect(parse("2020-02-30 10:00:00") == nil)
        #expect(parse("2020-02-10 22:41") == nil)
    }

    /// Europe/London: GMT in winter, BST (+1) from 2024-03-31 01:00 UTC.
    @Test func daylightSavingTime() throws {
        var converter = LocalTimeConverter(timeZone: try #require(TimeZone(identifier: "Europe/London")))
        let winter = converter.timestamp(CivilDateTime(year: 2024, month: 3, day: 30, hour: 12, minute: 0, second: 0))
        let summer = converter.timestamp(CivilDateTime(year: 2024, month: 3, day: 31, hour: 12, minute: 0, second: 0))
        #expect(winter.iso8601 == "2024-03-30T12:00:00.000Z")
        #expect(summer.iso8601 == "2024-03-31T11:00:00.000Z")
    }

    @Test func fixedOffsetsAndNames() throws {
        var plus3 = LocalTimeConverter(timeZone: try #require(LocalTimeConverter.zone(named: "+03:00")))
        #expect(plus3.timestamp(CivilDateTime(year: 2021, month: 6, day: 1, hour: 10, minute: 0, second: 0)).iso8601 == "2021-06-01T07:00:00.000Z")
        #expect(LocalTimeConverter.zone(named: "UTC")?.secondsFromGMT() == 0)
        #expect(LocalTimeConverter.zone(named: "-0500")?.secondsFromGMT() == -18_000)
        #expect(LocalTimeConverter.zone(named: "Mars/Olympus") == nil)
    }
}

@Suite struct ChannelNameTests {
    @Test(arguments: [
        ("SIP/201-0000001a", "201"), ("PJSIP/agent7-00000a3f", "agent7"), ("Local/201@from-queue-00000012;1", "201"),
        ("Agent/1001", "1001"), ("DAHDI/1-1", "1"), ("SIP/trunk-provider-000000ab", "trunk-provider"), ("IAX2/alice-1234", "alice"),
    ])
    func agentFromChannel(channel: String, agent: String) {
        #expect(ChannelName.agent(channel) == agent)
    }

    @Test func emptyChannel() {
        #expect(ChannelName.agent("") == nil)
    }
}
