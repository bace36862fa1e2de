import ArgumentParser
import Foundation
import PacketCapture

/// `callscope-dev bench read FILE`: the floor of any capture analysis.
struct BenchReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a capture with nothing but libpcap's pcap_next_ex: the floor of any capture analysis (scripts/bench.sh compares calls and talk with it)."
    )

    @Argument(help: ArgumentHelp("The capture to read.", valueName: "file"))
    var file: String

    func run() throws {
        var result = (frames: 0, bytes: 0, checksum: UInt8(0))
        let elapsed = try measureSeconds { result = try CaptureFile.readFloor(path: file) }
        print("libpcap read: \(result.frames) packets, \(result.bytes) bytes in \(String(format: "%.3f", elapsed)) s: \(Int(Double(result.frames) / elapsed)) packets/s, \(String(format: "%.1f", Double(result.bytes) / elapsed / 1e6)) MB/s")
    }
}
