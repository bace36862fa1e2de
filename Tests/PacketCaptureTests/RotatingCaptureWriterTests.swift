import Foundation
import PacketCapture
import Testing
import TestSupport

/// `watch --write`: frames written to a series of pcap files, rotated by size or capture time.
@Suite struct RotatingCaptureWriterTests {
    @Test func rotationTexts() {
        #expect(CaptureRotation("100MB") == .size(bytes: 100_000_000))
        #expect(CaptureRotation("4kb") == .size(bytes: 4_000))
        #expect(CaptureRotation("2GB") == .size(bytes: 2_000_000_000))
        #expect(CaptureRotation("30s") == .time(seconds: 30))
        #expect(CaptureRotation("15m") == .time(seconds: 900))
        #expect(CaptureRotation("1h") == .time(seconds: 3_600))
        #expect(CaptureRotation("1d") == .time(seconds: 86_400))
        for bad in ["", "MB", "0MB", "-1h", "10 MB", "999B", "1y", "99999999999999999999999h"] {
            #expect(CaptureRotation(bad) == nil, "\(bad)")
        }
        #expect(CaptureRotation("9223372036854775807d") == .time(seconds: Int64.max))  // saturates, never traps
    }

    /// The 23 frames of Kamailio's HEPv2 run (about 3 s) rotated every second of capture time:
    /// each file spans less than a second, each starts a second or more after the one before,
    /// and reading them back gives every frame once, in order, with its time.
    @Test func timeRotationKeepsEveryFrameOnce() throws {
        let source = try CaptureFile(path: TestPaths.capture("hep/hep2.pcap"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rotating-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = RotatingCaptureWriter(directory: directory.path, prefix: "eth0/x", linkType: source.linkType, rotation: .time(seconds: 1))
        var original: [(Int64, [UInt8])] = []
        while let frame = try source.next() {
            original.append((frame.timestamp, Array(frame.data)))
            try writer.write(timestamp: frame.timestamp, frame: frame.data)
        }
        try writer.flush()
        try #require(original.count == 23)
        #expect(writer.files.count >= 3)
        #expect(writer.files.allSatisfy { ($0 as NSString).lastPathComponent.hasPrefix("eth0_x-") })
        var reread: [(Int64, [UInt8])] = []
        var previousStart: Int64?
        for path in writer.files {
            let file = try CaptureFile(path: path)
            var times: [Int64] = []
            while let frame = try file.next() {
                times.append(frame.timestamp)
                reread.append((frame.timestamp, Array(frame.data)))
            }
            let first = try #require(times.first)
            #expect((times.last ?? first) - first < 1_000_000_000)
            if let previousStart { #expect(first - previousStart >= 1_000_000_000) }
            previousStart = first
        }
        #expect(reread.map(\.0) == original.map(\.0))
        #expect(reread.map(\.1) == original.map(\.1))
    }
}
