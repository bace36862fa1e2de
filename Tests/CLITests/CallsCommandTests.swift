import Foundation
import Testing
import TestSupport

@Suite struct CallsCommandTests {
    static let schema = "call_id,source,start,caller,dialed,diverted_from,outcome,final_status,reason_cause,pdd_ms,answered_at,ended_at,ring_s,talk_s,hold_s,ended_by,packets,retransmissions,truncated,transport,agent,queue,wait_s,system_answered_at,ivr_s,transfers,direction,format,legs,rtp_streams,caller_rtp_lost,caller_rtp_jitter_ms,caller_mos,callee_rtp_lost,callee_rtp_jitter_ms,callee_mos,caller_talk_s,agent_talk_s,overtalk_s,silence_s,agent_share"

    @Test func csvHeaderIsTheDocumentedSchema() throws {
        let result = try CLI.run(["calls", Corpus.pcapFile("sipnab__sip-rtp-g711.pcap"), "--format", "csv"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == Self.schema)
        #expect(lines.count == 3)
        #expect(lines[1] == "1-1966@10.0.2.20,sipnab__sip-rtp-g711.pcap,2016-11-26T14:52:59.666Z,sipp,test,,answered,200,16,,2016-11-26T14:52:59.670Z,2016-11-26T14:53:08.170Z,0.004,8.499,0.000,callee,6,0,false,udp,,,0.004,,,0,,pcap,\"[{\"\"id\"\":\"\"QvN92t713vSZK\"\",\"\"status\"\":\"\"200\"\",\"\"start\"\":\"\"2016-11-26T14:52:59.670Z\"\",\"\"answered\"\":true,\"\"destination\"\":null,\"\"answered_at\"\":\"\"2016-11-26T14:52:59.670Z\"\",\"\"ended_at\"\":null,\"\"agent\"\":null,\"\"talk_s\"\":null}]\",1,,,,0,0.006,4.41,,,,,")
    }

    @Test func ndjsonKeysComeInSchemaOrder() throws {
        let result = try CLI.run(["calls", Corpus.pcapFile("goffinet__voip-extension.pcap"), "-f", "ndjson"])
        #expect(result.status == 0)
        let first = try #require(result.stdout.split(separator: "\n").first)
        let keys = first.split(separator: ",").compactMap { part -> String? in
            guard part.hasPrefix("\"") || part.hasPrefix("{\"") else { return nil }
            let trimmed = part.drop(while: { $0 == "{" || $0 == "\"" })
            return trimmed.firstIndex(of: "\"").map { String(trimmed[..<$0]) }
        }
        #expect(Array(keys.prefix(25)) == Array(Self.schema.split(separator: ",").map(String.init).prefix(25)))
        #expect(try CLI.ndjson(result.stdout).count == 2)
    }

    @Test func jsonIsAnArrayOfTheSameRecords() throws {
        let path = Corpus.pcapFile("goffinet__voip-extension.pcap")
        let json = try CLI.run(["calls", path, "-f", "json"])
        let ndjson = try CLI.run(["calls", path, "-f", "ndjson"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["call_id"] as? String } == (try CLI.ndjson(ndjson.stdout)).map { $0["call_id"] as? String })
    }

    /// `--jobs 2` encodes and writes the streamed records on a thread of their own: the same
    /// bytes as `--jobs 1`, for a CDR file (the project's sample and the corpus's largest
    /// Master.csv) and a capture, in every streamed format.
    @Test(arguments: ["ndjson", "json", "csv"])
    func jobsTwoWritesTheSameStream(_ format: String) throws {
        let inputs = [TestPaths.cdrSample("asterisk-master.csv"), Corpus.cdrFile("asterisk-csv__dj-asterisk-cdr__Master.csv"),
                      Corpus.pcapFile("goffinet__voip-extension.pcap")]
        for input in inputs where FileManager.default.fileExists(atPath: input) {
            let one = try CLI.run(["calls", input, "-f", format, "--timezone", "Europe/London", "--jobs", "1"])
            let two = try CLI.run(["calls", input, "-f", format, "--timezone", "Europe/London", "--jobs", "2"])
            #expect(one.status == 0 && two.status == 0)
            #expect(two.stdout == one.stdout, "\(input)")
            #expect(one.stdout.split(separator: "\n").count > (format == "json" ? 2 : 1), "\(input) wrote no call")
        }
    }

    @Test func summaryLineOnStderr() throws {
        let result = try CLI.run(["calls", Corpus.pcapFile("goffinet__uac-uas-scenario-sipp.pcapng"), "-f", "csv"])
        #expect(result.status == 0)
        #expect(result.stderr == "callscope: 1 input, 4618 packets, 4618 SIP messages, 771 calls, 0 errors\n")
    }

    /// The whole table, compared with `Golden/calls-table.txt` (checked by hand against tshark).
    @Test func tableForPeople() throws {
        let result = try CLI.run(["calls", Corpus.pcapFile("sipnab__sip-rtp-g711.pcap"), Corpus.pcapFile("goffinet__voip-extension.pcap"), "-q"])
        #expect(result.stdout == (try CLI.golden("calls-table.txt")))
    }

    @Test func standardInputIsReadWithDash() throws {
        let file = Corpus.pcap.appendingPathComponent("sipnab__sip-rtp-g711.pcap")
        let result = try CLI.run(["calls", "-", "-f", "csv"], stdin: file)
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 3)
        #expect(result.stdout.contains(",stdin,"))
    }

    @Test func directoryInputsExpandToTheirCaptures() throws {
        let result = try CLI.run(["calls", Corpus.pcap.path, "-f", "csv", "-q"])
        // The reference counts 823 calls in the files libpcap can open (the NetMon one aside).
        // Merged inputs join messages of one Call-ID into one call, and the fuzzed copy of
        // sngrep__aaa.pcap carries the same 4 Call-IDs: 819 distinct calls.
        #expect(result.stdout.split(separator: "\n").count == 1 + 819)
        #expect(result.status == 1)
    }

    @Test func helpExplainsTheCommand() throws {
        let result = try CLI.run(["calls", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout == (try CLI.golden("calls-help.txt")))
    }
}

@Suite struct BadInputTests {
    /// A text file that is neither a capture nor a CDR format: exit status 1 and a message
    /// naming the file and what to do.
    @Test func neitherACaptureNorACDRFile() throws {
        let result = try CLI.run(["calls", "Package.swift"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("callscope: Package.swift: cannot tell which PBX format this is (first line: \"// swift-tools-version: 6.0\"); give --input-format "))
        #expect(result.stderr.hasSuffix("callscope: 1 input, 1 unreadable, 0 calls, 1 error\n"))  // no packet counts: no capture was read
    }

    /// A file with a capture's magic number that libpcap cannot read further.
    @Test func brokenCaptureHeader() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("header-only.pcap")
        try Data([0xD4, 0xC3, 0xB2, 0xA1, 0x02, 0x00]).write(to: file)
        let result = try CLI.run(["calls", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("callscope: \(file.path): not a capture file libpcap can read ("))
    }

    @Test func missingFile() throws {
        let result = try CLI.run(["calls", "no-such-file.pcap"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("callscope: no-such-file.pcap: cannot open: "))
    }

    /// A capture cut off inside a record: the frames before the cut are still analysed, the
    /// error names the file and the packet, and the exit status is 0 (the file was read).
    @Test func truncatedCapture() throws {
        let source = Corpus.pcap.appendingPathComponent("sipnab__sip-rtp-g711.pcap")
        let bytes = try Data(contentsOf: source)
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let cut = directory.url.appendingPathComponent("cut.pcap")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        let result = try CLI.run(["calls", cut.path, "-f", "csv"])
        #expect(result.status == 0)
        let errorLine = try #require(result.stderr.split(separator: "\n").first)
        #expect(errorLine.hasPrefix("callscope: \(cut.path): packet "))
        #expect(errorLine.contains(": read failed, rest of the file skipped: truncated dump file"))
        #expect(result.stdout.split(separator: "\n").count == 2)
        #expect(result.stderr.hasSuffix(", 1 error\n"))
    }

    /// A Microsoft NetMon 2.x capture (public corpus): libpcap cannot read it and it is no CDR
    /// file either; one message says both, exit status 1.
    @Test func netMonCaptureIsNeitherCaptureNorCDR() throws {
        let netmon = Corpus.pcapFile("sipnab__c07-sip-r2.cap")
        let result = try CLI.run(["calls", netmon])
        #expect(result.status == 1)
        #expect(result.stderr == """
            callscope: \(netmon): neither a capture file libpcap can read (unknown file format; first bytes 47 4d 42 55 00 02 01 00 ...) nor a CDR text file (binary data); other capture formats (NetMon, snoop, ERF...) can be converted with `editcap -F pcapng IN OUT`
            callscope: 1 input, 1 unreadable, 0 calls, 1 error

            """)
    }

    /// An SQLite database (our own store, given as an input by mistake) is mostly NUL bytes, on
    /// both sides: binary, not UTF-16 text. A UTF-16LE export without a byte-order mark (made by
    /// iconv from the Asterisk sample) is still told to be UTF-16.
    @Test func mostlyZeroBinaryFilesAreBinaryNotUTF16() throws {
        let directory = TemporaryDirectory("callscope")
        defer { directory.remove() }
        let database = directory.url.appendingPathComponent("store.sqlite").path
        let imported = try CLI.run(["import", "cdr-samples/asterisk-master.csv", "--db", database, "--timezone", "UTC", "-q"])
        #expect(imported.status == 0)
        let asInput = try CLI.run(["calls", database])
        #expect(asInput.status == 1)
        #expect(asInput.stderr.hasPrefix("callscope: \(database): neither a capture file libpcap can read"), "\(asInput.stderr)")
        #expect(asInput.stderr.contains("nor a CDR text file (binary data)"))

        let utf16 = directory.url.appendingPathComponent("Master.csv")
        try ProcessRunner.tool("iconv", ["-f", "UTF-8", "-t", "UTF-16LE", "-o", utf16.path, TestPaths.cdrSample("asterisk-master.csv")])
        let text = try CLI.run(["calls", utf16.path])
        #expect(text.status == 1)
        #expect(text.stderr.contains("UTF-16 text without a byte-order mark: save it as UTF-8"), "\(text.stderr)")
    }

    @Test func goodFilesAreStillReadBesideABadOne() throws {
        let good = Corpus.pcapFile("sipnab__sip-rtp-g711.pcap")
        let result = try CLI.run(["calls", "Package.swift", good, "-f", "csv"])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").count == 3)
    }

    @Test func diagnosticsAreCappedPerInputButCounted() throws {
        let fuzz = Corpus.pcapFile("ndpi__fuzz-2006-06-26-2594.pcap")
        let result = try CLI.run(["calls", fuzz, "-f", "csv", "--max-diagnostics", "5"])
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines[5].hasSuffix("more diagnostics not shown (--max-diagnostics 0 shows all)"))
        #expect(lines[6] == "callscope: 1 input, 691 packets, 23 SIP messages (15 outside calls), 8 RTP packets in 1 stream (1 without a call), 1 RTCP packet, 4 calls, 86 errors, 14 warnings")
        #expect(result.status == 0)
    }
}
