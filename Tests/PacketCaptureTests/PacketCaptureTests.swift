import Foundation
import Testing
@testable import PacketCapture
import TestSupport

/// Frames copied out of a reader, for assertions.
struct Seen: Equatable {
    var fileIndex: Int
    var frameNumber: Int
    var timestamp: Int64
    var data: [UInt8]
}

func frame(_ tag: UInt8, _ count: Int = 20) -> [UInt8] { [UInt8](repeating: tag, count: count) }

@Suite("Capture files")
struct CaptureFileTests {
    @Test func readsFramesWithMicrosecondTimestamps() throws {
        let scratch = TemporaryDirectory("callscope-capture")
        let path = try scratch.write("a.pcap", Build.pcapFile(linkType: 113, records: [(1_700_000_000, 250_000, frame(1)), (1_700_000_001, 999_999, frame(2, 60))]))
        let file = try CaptureFile(path: path)
        #expect(file.linkType == 113)
        let first = try #require(try file.next())
        #expect(first.timestamp == 1_700_000_000_250_000_000)
        #expect(Array(first.data) == frame(1))
        #expect(first.capturedLength == 20)
        #expect(first.originalLength == 24)
        #expect(first.isTruncated)
        #expect(first.frameNumber == 1)
        #expect(first.linkType == 113)
        let second = try #require(try file.next())
        #expect(second.timestamp == 1_700_000_001_999_999_000)
        #expect(second.frameNumber == 2)
        #expect(second.capturedLength == 60)
        #expect(try file.next() == nil)
        #expect(try file.next() == nil)
    }

    @Test func keepsNanosecondTimestamps() throws {
        let scratch = TemporaryDirectory("callscope-capture")
        let path = try scratch.write("n.pcap", Build.pcapFile(nanosecond: true, records: [(10, 123_456_789, frame(1))]))
        let file = try CaptureFile(path: path)
        #expect(try file.next()?.timestamp == 10_123_456_789)
    }

    @Test func truncatedFileNamesTheFrame() throws {
        let scratch = TemporaryDirectory("callscope-capture")
        let whole = Build.pcapFile(records: [(1, 0, frame(1)), (2, 0, frame(2)), (3, 0, frame(3))])
        let path = try scratch.write("cut.pcap", Array(whole.dropLast(7)))
        let file = try CaptureFile(path: path)
        #expect(try file.next()?.frameNumber == 1)
        #expect(try file.next()?.frameNumber == 2)
        let error = #expect(throws: CaptureError.self) { try file.next() }
        #expect(error?.frameNumber == 3)
        #expect(error?.path == path)
        #expect(error?.description.hasPrefix("\(path): frame 3: truncated dump file") == true)
        #expect(try file.next() == nil)  // after an error the file is finished
    }

    @Test func textFileIsNotACapture() throws {
        let scratch = TemporaryDirectory("callscope-capture")
        let path = try scratch.write("notes.txt", Array("INVITE sip:bob@example.com SIP/2.0\r\n".utf8))
        let error = #expect(throws: CaptureError.self) { try CaptureFile(path: path) }
        #expect(error?.isUnknownFormat == true)
        #expect(error?.frameNumber == nil)
        #expect(error?.description == "\(path): not a capture file libpcap can read (unknown file format)")
    }

    @Test func missingFile() throws {
        let error = #expect(throws: CaptureError.self) { try CaptureFile(path: "/nonexistent/x.pcap") }
        #expect(error?.isUnknownFormat == false)
        #expect(error?.description == "/nonexistent/x.pcap: cannot open (No such file or directory)")
    }

    @Test func nanosecondsSaturateInsteadOfTrapping() {
        #expect(CaptureFile.nanoseconds(seconds: 2, fraction: 5) == 2_000_000_005)
        #expect(CaptureFile.nanoseconds(seconds: .max / 2, fraction: 0) == .max)
        #expect(CaptureFile.nanoseconds(seconds: .min / 2, fraction: 0) == .min)
    }
}

@Suite("Merged captures")
struct MergedCaptureTests {
    func drain(_ merged: MergedCapture) -> [Seen] {
        var seen: [Seen] = []
        while let frame = merged.next() {
            seen.append(Seen(fileIndex: frame.fileIndex, frameNumber: frame.frameNumber, timestamp: frame.timestamp, data: Array(frame.data)))
        }
        return seen
    }

    @Test func mergesByTimestampStably() throws {
        let scratch = TemporaryDirectory("callscope-capture")
        let a = try scratch.write("a.pcap", Build.pcapFile(records: [(1, 0, frame(0xA1)), (3, 0, frame(0xA2)), (3, 0, frame(0xA3)), (9, 0, frame(0xA4))]))
        let b = try scratch.write("b.pcap", Build.pcapFile(records: [(2, 0, frame(0xB1)), (3, 0, frame(0xB2)), (4, 0, frame(0xB3))]))
        let c = try scratch.write("c.pcap", Build.pcapFile(records: []))
        let merged = MergedCapture(files: [try CaptureFile(path: a), try CaptureFile(path: b), try CaptureFile(path: c)])
        let seen = drain(merged)
        #expect(seen.map { $0.data[0] } == [0xA1, 0xB1, 0xA2, 0xA3, 0xB2, 0xB3, 0xA4])
        #expect(seen.map(\.fileIndex) == [0, 1, 0, 0, 1, 1, 0])
        #expect(seen.map(\.frameNumber) == [1, 1, 2, 3, 2, 3, 4])
        // Zero-copy: every frame's bytes were intact when it was returned.
        #expect(seen.allSatisfy { $0.data == frame($0.data[0]) })
        #expect(merged.errors.isEmpty)
    }

    /// The same frame (timestamp and bytes) in two files is read once; a frame that only shares
    /// the timestamp, or the bytes, is kept; copies within one file are all kept, and a file
    /// holding a frame more often than another keeps its extra copies.
    @Test func framesOfAnotherFileAreReadOnce() throws {
        let scratch = TemporaryDirectory("callscope-capture")
        let a = try scratch.write("a.pcap", Build.pcapFile(records: [(1, 0, frame(0xA1)), (2, 0, frame(0xA2)), (2, 0, frame(0xA2)), (3, 0, frame(0xA3)), (4, 0, frame(0xA4))]))
        let b = try scratch.write("b.pcap", Build.pcapFile(records: [(1, 0, frame(0xA1)), (2, 0, frame(0xA2)), (3, 0, frame(0xB3)), (4, 1, frame(0xA4)), (5, 0, frame(0xB5))]))
        let c = try scratch.write("c.pcap", Build.pcapFile(records: [(1, 0, frame(0xA1)), (1, 0, frame(0xA1))]))
        let merged = MergedCapture(files: [try CaptureFile(path: a), try CaptureFile(path: b), try CaptureFile(path: c)])
        let seen = drain(merged)
        #expect(seen.map { $0.data[0] } == [0xA1, 0xA1, 0xA2, 0xA2, 0xA3, 0xB3, 0xA4, 0xA4, 0xB5])
        #expect(seen.map(\.fileIndex) == [0, 2, 0, 0, 0, 1, 0, 1, 1])
        #expect(merged.duplicateFrames == 3)  // b's 0xA1 and 0xA2, c's first 0xA1
        #expect(seen.allSatisfy { $0.data == frame($0.data[0]) })
    }

    @Test func badFileDoesNotLoseFramesOfGoodFiles() throws {
        let scratch = TemporaryDirectory("callscope-capture")
        let good = try scratch.write("good.pcap", Build.pcapFile(records: (1...5).map { (UInt32($0), 0, frame(UInt8($0))) }))
        let badBytes = Build.pcapFile(records: [(1, 500, frame(0xEE)), (2, 500, frame(0xEF)), (3, 500, frame(0xF0))])
        let bad = try scratch.write("bad.pcap", Array(badBytes.dropLast(5)))
        let merged = MergedCapture(files: [try CaptureFile(path: bad), try CaptureFile(path: good)])
        let seen = drain(merged)
        #expect(seen.filter { $0.fileIndex == 1 }.map { $0.data[0] } == [1, 2, 3, 4, 5])
        #expect(seen.filter { $0.fileIndex == 0 }.map { $0.data[0] } == [0xEE, 0xEF])
        #expect(seen.map(\.timestamp) == seen.map(\.timestamp).sorted())
        #expect(merged.errors.count == 1)
        #expect(merged.errors.first?.frameNumber == 3)
        #expect(merged.errors.first?.path == bad)
    }
}
