import CallModel
import Foundation
import Testing
import TestSupport
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
        var converter = LocalTimeConverter(timeZone: try timeZone("Europe/London"))
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

@Suite struct DSTTransitionTests {
    func utc(_ zone: String, _ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int) throws -> String {
        var converter = LocalTimeConverter(timeZone: try timeZone(zone))
        return converter.timestamp(CivilDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: 0)).iso8601
    }

    /// The repeated hour when clocks go back is read in daylight time, east and west of UTC.
    @Test func repeatedHourIsReadInDaylightTime() throws {
        #expect(try utc("Europe/London", 2023, 10, 29, 1, 30) == "2023-10-29T00:30:00.000Z")
        #expect(try utc("America/New_York", 2023, 11, 5, 1, 30) == "2023-11-05T05:30:00.000Z")
        #expect(try utc("Europe/Berlin", 2023, 10, 29, 2, 30) == "2023-10-29T00:30:00.000Z")
    }

    /// A time in the skipped hour when clocks go forward is read in the offset before the change.
    @Test func skippedHourIsReadInTheOffsetBefore() throws {
        #expect(try utc("Europe/London", 2023, 3, 26, 1, 30) == "2023-03-26T01:30:00.000Z")
        #expect(try utc("America/New_York", 2023, 3, 12, 2, 30) == "2023-03-12T07:30:00.000Z")
    }

    /// Around the change, ordinary hours keep their own offsets.
    @Test func hoursBesideTheChange() throws {
        #expect(try utc("Europe/London", 2023, 10, 29, 0, 59) == "2023-10-28T23:59:00.000Z")
        #expect(try utc("Europe/London", 2023, 10, 29, 2, 0) == "2023-10-29T02:00:00.000Z")
        #expect(try utc("Australia/Sydney", 2024, 4, 7, 2, 30) == "2024-04-06T15:30:00.000Z")
    }

    /// Dates a Timestamp cannot hold are bad rows, not traps.
    @Test func datesOutsideTheRepresentableYears() {
        Array("2300-01-01 10:00:00".utf8).withUnsafeBytes { #expect(CivilDateTime.parseISO($0, 0..<$0.count) == nil) }
        Array("9999-12-31 23:59:59".utf8).withUnsafeBytes { #expect(CivilDateTime.parseISO($0, 0..<$0.count) == nil) }
        #expect(Timestamp(year: 1_000_000_000, month: 1, day: 1, hour: 0, minute: 0, second: 0).nanoseconds == .max)
    }

    @Test func causeZeroIsNotAnAbandon() {
        #expect(OutcomeMapping.unconnectedQ850(0) == .unknown)
        #expect(OutcomeMapping.unconnectedQ850(16) == .abandoned)
    }
}

@Suite struct DirectionRuleTests {
    let rules = DirectionRules(ownNumbers: ["+442079460100", "+44207946*"])

    func call(_ caller: String?, _ dialed: String?, queue: String? = nil) -> Call {
        Call(callID: "x", source: "t", start: Timestamp(seconds: 0), caller: caller, dialed: dialed, queue: queue)
    }

    @Test func rulesInOrder() {
        #expect(rules.direction(of: call("201", "202")) == .internal)
        #expect(rules.direction(of: call("100", "s", queue: "support")) == .inbound)  // a queue call from a short caller ID
        #expect(rules.direction(of: call("201", "07700900123")) == .outbound)
        #expect(rules.direction(of: call("+442079460999", "+447700900123")) == .outbound)  // own number prefix as caller ID
        #expect(rules.direction(of: call("+447700900123", "+442079460100")) == .inbound)
        #expect(rules.direction(of: call("+447700900123", "201")) == .inbound)
        #expect(rules.direction(of: call("+447700900123", "+33142685300")) == nil)
        #expect(rules.direction(of: call(nil, nil)) == nil)
    }

    @Test(arguments: [("_2XX", "201", true), ("_2XX", "2010", false), ("_N.", "5", false), ("_N.", "55", true), ("_[1-3]0X", "205", true), ("_[1-3]0X", "405", false)])
    func extensionPatterns(pattern: String, number: String, matches: Bool) {
        #expect(DirectionRules(extensionPattern: pattern).isExtension(number) == matches)
    }
}
