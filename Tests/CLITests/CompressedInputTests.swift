import Foundation
import Testing
import TestSupport

/// Compressed captures and CDR files (README "Input formats"): gzip, xz and Zstandard copies
/// made at test time by the real tools read exactly as the files they were made from; a cut
/// copy is an error naming the file; a file named like a capture that is none says what it is.
@Suite("compressed and unknown inputs")
struct CompressedInputTests {
    static let compressors: [(suffix: String, command: String)] = [("gz", "gzip -c"), ("xz", "xz -c -T1"), ("zst", "zstd -q -c")]

    /// `source` compressed with `command` into `directory/name`.
    @discardableResult
    static func compress(_ source: String, _ command: String, into directory: TemporaryDirectory, name: String) throws -> String {
        let target = directory.file(name)
        try ProcessRunner.tool("sh", ["-c", "\(command) '\(source)' > '\(target)'"])
        return target
    }

    /// A tcpdump rotated set (`tcpdump -C 1`: `set.pcap`, `set.pcap1`, `set.pcap2`, 1 MB each)
    /// of the bundled speech captures merged, every file then compressed as logrotate or
    /// `tcpdump -z` would, reads as the merged capture itself: same calls, same fields (but the
    /// file each call is tied to).
    @Test(arguments: compressors.map(\.suffix))
    func rotatedCompressedSetReadsAsTheOriginal(_ suffix: String) throws {
        let command = try #require(Self.compressors.first { $0.suffix == suffix }?.command)
        let scratch = TemporaryDirectory("callscope-rotated")
        defer { scratch.remove() }
        let merged = scratch.file("merged.pcap")
        let talk = ["talk-inbound", "talk-pcma", "talk-dtmf", "rtp-impaired"].map { TestPaths.capture("talk/\($0).pcap") }
        try ProcessRunner.tool("mergecap", ["-F", "pcap", "-w", merged] + talk)
        let set = scratch.url.appendingPathComponent("set")
        try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
        try ProcessRunner.tool("tcpdump", ["-r", merged, "-w", set.appendingPathComponent("set.pcap").path, "-C", "1", "-Z", "root"])
        let pieces = try FileManager.default.contentsOfDirectory(atPath: set.path).sorted()
        #expect(pieces == ["set.pcap", "set.pcap1", "set.pcap2"])
        for piece in pieces {
            let path = set.appendingPathComponent(piece).path
            try ProcessRunner.tool("sh", ["-c", "\(command) '\(path)' > '\(path).\(suffix)' && rm '\(path)'"])
        }
        let original = try CLI.run(["calls", merged, "-f", "ndjson", "-q"])
        #expect(original.status == 0)
        let rotated = try CLI.run(["calls", set.path, "-f", "ndjson", "-q"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(try CLI.ndjson(rotated.stdout).count == 4)
        let anySource = try Regex(#""source":"[^"]*""#)
        #expect(rotated.stdout.replacing(anySource, with: #""source":"-""#) == original.stdout.replacing(anySource, with: #""source":"-""#))
        #expect(rotated.stdout.contains("\"source\":\"set.pcap.\(suffix)\""))
    }

    /// Every compressed copy of every bundled SIP capture gives the output of the capture.
    @Test(arguments: compressors.map(\.suffix))
    func everySampleCaptureCompressed(_ suffix: String) throws {
        let command = try #require(Self.compressors.first { $0.suffix == suffix }?.command)
        let directory = TemporaryDirectory("callscope-compressed")
        defer { directory.remove() }
        for capture in CLI.sipSampleCaptures {
            let name = String(capture.split(separator: "/").last ?? "")
            // Named without a suffix too: the content decides, not the name.
            let path = try Self.compress(TestPaths.root.appendingPathComponent(capture).path, command, into: directory, name: name)
            let expected = try CLI.run(["calls", capture, "-f", "ndjson", "--timezone", "UTC"])
            let actual = try CLI.run(["calls", path, "-f", "ndjson", "--timezone", "UTC"])
            #expect(actual.stdout == expected.stdout, "\(capture) as \(suffix)")
            #expect(actual.status == expected.status)
            #expect(actual.stderr.replacingOccurrences(of: path, with: capture) == expected.stderr, "\(capture) as \(suffix)")
        }
    }

    @Test func gzippedCaptureOnStandardInput() throws {
        let directory = TemporaryDirectory("callscope-stdin")
        defer { directory.remove() }
        let path = try Self.compress(TestPaths.capture("hold-udp.pcap"), "gzip -c", into: directory, name: "hold.pcap.gz")
        let expected = try CLI.run(["calls", "captures/hold-udp.pcap", "-f", "ndjson", "-q"])
        let actual = try CLI.run(["calls", "-", "-f", "ndjson", "-q"], stdin: URL(fileURLWithPath: path))
        #expect(actual.status == 0, "\(actual.stderr)")
        #expect(try CLI.ndjson(actual.stdout).map { $0["call_id"] as? String } == (try CLI.ndjson(expected.stdout)).map { $0["call_id"] as? String })
        #expect(try CLI.ndjson(actual.stdout).first?["outcome"] as? String == (try CLI.ndjson(expected.stdout)).first?["outcome"] as? String)
    }

    /// A gzipped Asterisk CDR (with its queue_log, xz) reads as the plain files.
    @Test func compressedCDRFiles() throws {
        let directory = TemporaryDirectory("callscope-cdrgz")
        defer { directory.remove() }
        let master = try Self.compress(TestPaths.cdrSample("asterisk-master.csv"), "gzip -c", into: directory, name: "asterisk-master.csv.gz")
        let queueLog = try Self.compress(TestPaths.cdrSample("asterisk-queue_log"), "xz -c", into: directory, name: "asterisk-queue_log.xz")
        let expected = try CLI.run(["calls", "cdr-samples/asterisk-master.csv", "cdr-samples/asterisk-queue_log", "-f", "ndjson", "--timezone", "UTC", "-q"])
        let actual = try CLI.run(["calls", master, queueLog, "-f", "ndjson", "--timezone", "UTC", "-q"])
        #expect(actual.status == 0, "\(actual.stderr)")
        let rename = expected.stdout
            .replacingOccurrences(of: "\"source\":\"asterisk-master.csv\"", with: "\"source\":\"asterisk-master.csv.gz\"")
            .replacingOccurrences(of: "\"source\":\"asterisk-queue_log\"", with: "\"source\":\"asterisk-queue_log.xz\"")
        #expect(try CLI.ndjson(actual.stdout).count == 4 || !actual.stdout.isEmpty)
        #expect(actual.stdout == rename)
        // A directory of them is found too (.csv.gz is an input name).
        let fromDirectory = try CLI.run(["calls", directory.path, "-f", "ndjson", "--timezone", "UTC", "-q"])
        #expect(fromDirectory.stdout == rename)
    }

    /// A .gz cut short (a copy stopped half-way): the frames before the cut are read, then one
    /// error names the file and says the compressed data ends early; no trap. As for a plain
    /// capture cut inside a record, the exit status is 0 (the file was read, up to the cut); a
    /// cut CDR file, which is read whole, is unreadable (status 1).
    @Test(arguments: compressors.map(\.suffix))
    func truncatedCompressedCapture(_ suffix: String) throws {
        let command = try #require(Self.compressors.first { $0.suffix == suffix }?.command)
        let directory = TemporaryDirectory("callscope-cut")
        defer { directory.remove() }
        let whole = try Self.compress(TestPaths.capture("talk/talk-inbound.pcap"), command, into: directory, name: "whole.pcap.\(suffix)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: whole)))
        let cut = try directory.write("cut.pcap.\(suffix)", Array(bytes[0..<(bytes.count / 2)]))
        let result = try CLI.run(["calls", cut, "-f", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        let errors = result.stderr.split(separator: "\n").filter { $0.contains("ends before its end of stream") }
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(errors.first?.hasPrefix("callscope: \(cut): ") == true || errors.first?.contains(cut) == true, "\(result.stderr)")
        #expect(result.stderr.contains("1 error"))
        // The half read still gives the call (its INVITE is at the start).
        #expect(try CLI.ndjson(result.stdout).count == 1)
        // A cut CDR file: one error with its name.
        let csv = try Self.compress(TestPaths.cdrSample("asterisk-master.csv"), command, into: directory, name: "m.csv.\(suffix)")
        let csvBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: csv)))
        let cutCSV = try directory.write("cut.csv.\(suffix)", Array(csvBytes[0..<(csvBytes.count * 2 / 3)]))
        let cdr = try CLI.run(["calls", cutCSV, "--timezone", "UTC"])
        #expect(cdr.status == 1)
        #expect(cdr.stderr.contains("\(cutCSV): the \(suffix == "gz" ? "gzip" : suffix == "xz" ? "xz" : "zstd") data ends before its end of stream"), "\(cdr.stderr)")
    }

    /// A web page saved as `trace.pcap` (as a browser does with a broken download link): not a
    /// capture, not a CDR file, said with its first bytes; not a request for --input-format.
    @Test func htmlNamedPcapIsNotACapture() throws {
        let directory = TemporaryDirectory("callscope-html")
        defer { directory.remove() }
        let page = try directory.write("trace.pcap", "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n")
        let result = try CLI.run(["calls", page])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(page): not a capture (first bytes 3c 68 74 6d 6c 3e 3c 68 ...) and not a CDR file we know"), "\(result.stderr)")
        #expect(!result.stderr.contains("--input-format"))
        // Gzipped, the first bytes shown are the content's.
        let gz = try Self.compress(page, "gzip -c", into: directory, name: "trace2.pcap.gz")
        let compressed = try CLI.run(["calls", gz])
        #expect(compressed.stderr.contains("\(gz): not a capture (first bytes 3c 68 74 6d"), "\(compressed.stderr)")
        // Binary junk named .pcap: libpcap's reason and the first bytes.
        let junk = try directory.write("junk.pcap", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00])
        let binary = try CLI.run(["calls", junk])
        #expect(binary.stderr.contains("first bytes 50 4b 03 04 00 00 00 00 ..."), "\(binary.stderr)")
    }
}
