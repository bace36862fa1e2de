import Decompression
import Foundation
import Testing
import TestSupport

/// The decompressing reader against the real tools: files compressed by gzip, xz and zstd at
/// test time must read back byte for byte, whatever the chunk size asked for; cut files and
/// corrupt data must throw an error naming the file, never trap.
struct DecompressingReaderTests {
    static let tools: [(CompressionFormat, String, [String])] = [
        (.gzip, "gzip", ["-c", "-9"]), (.xz, "xz", ["-c", "-T1"]), (.zstd, "zstd", ["-c", "-q"]),
    ]

    /// A bundled capture compressed with `tool` into `directory`.
    static func compressed(_ source: String, with tool: String, _ arguments: [String], into directory: TemporaryDirectory, name: String) throws -> String {
        let output = directory.file(name)
        let result = try ProcessRunner.tool("sh", ["-c", "\(tool) \(arguments.joined(separator: " ")) '\(source)' > '\(output)'"])
        #expect(result.status == 0, "\(tool): \(result.stderr)")
        return output
    }

    static func readAll(_ path: String, chunk: Int) throws -> [UInt8] {
        let reader = try DecompressingReader(path: path)
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { return result }
            result += buffer[0..<count]
        }
    }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func roundTripsEveryFormat(chunk: Int) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let source = TestPaths.capture("hold-udp.pcap")
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        for (format, tool, arguments) in Self.tools {
            let path = try Self.compressed(source, with: tool, arguments, into: directory, name: "hold.\(format.fileExtension)")
            #expect(try DecompressingReader(path: path).format == format)
            #expect(try Self.readAll(path, chunk: chunk) == original, "\(format) with \(chunk)-byte reads")
        }
    }

    @Test func concatenatedMembersAreOneFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let a = TestPaths.capture("hold-udp.pcap"), b = TestPaths.capture("cancel-udp.pcap")
        let expected = try [UInt8](Data(contentsOf: URL(fileURLWithPath: a))) + [UInt8](Data(contentsOf: URL(fileURLWithPath: b)))
        for (format, tool, arguments) in Self.tools {
            let path = directory.file("both.\(format.fileExtension)")
            let script = "\(tool) \(arguments.joined(separator: " ")) '\(a)' > '\(path)' && \(tool) \(arguments.joined(separator: " ")) '\(b)' >> '\(path)'"
            #expect(try ProcessRunner.tool("sh", ["-c", script]).status == 0)
            #expect(try Self.readAll(path, chunk: 65_536) == expected, "\(format)")
        }
    }

    @Test func plainFilesReadAsTheyAre() throws {
        let source = TestPaths.cdrSample("asterisk-master.csv")
        let reader = try DecompressingReader(path: source)
        #expect(reader.format == nil)
        #expect(try reader.readAll() == [UInt8](Data(contentsOf: URL(fileURLWithPath: source))))
    }

    /// Every cut of a compressed capture (a copy stopped early) throws, naming the file, after
    /// returning what came before; none traps or loops.
    @Test func cutFilesThrowNamingTheFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let source = TestPaths.capture("hold-udp.pcap")
        for (format, tool, arguments) in Self.tools {
            let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.compressed(source, with: tool, arguments, into: directory, name: "whole.\(format.fileExtension)"))))
            for length in [7, 40, whole.count / 3, whole.count / 2, whole.count - 1] {
                let path = try directory.write("cut-\(length).\(format.fileExtension)", Array(whole[0..<length]))
                #expect(throws: DecompressionError.self, "\(format) cut at \(length)") { try Self.readAll(path, chunk: 65_536) }
                do { _ = try Self.readAll(path, chunk: 65_536) } catch let error as DecompressionError {
                    #expect(error.description.hasPrefix(path + ": "))
                }
            }
        }
    }

    @Test func corruptDataThrows() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.compressed(TestPaths.capture("hold-udp.pcap"), with: "gzip", ["-c"], into: directory, name: "h.gz"))))
        for index in stride(from: 20, to: bytes.count - 8, by: 97) { bytes[index] ^= 0x5A }
        let path = try directory.write("corrupt.gz", bytes)
        #expect(throws: DecompressionError.self) { try Self.readAll(path, chunk: 65_536) }
    }

    /// Hostile compressed data: 300 seeded mutations (bytes overwritten, inserted, removed) of
    /// each format's copy of a capture either read to the end or throw; none traps or hangs.
    @Test func mutatedDataNeverTraps() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
        for (format, tool, arguments) in Self.tools {
            let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.compressed(TestPaths.capture("cancel-udp.pcap"), with: tool, arguments, into: directory, name: "c.\(format.fileExtension)"))))
            for round in 0..<300 {
                var bytes = whole
                for _ in 0...next(4) {
                    let at = next(bytes.count)
                    switch next(3) {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: next(256))
                    case 1: bytes.insert(UInt8(truncatingIfNeeded: next(256)), at: at)
                    default: if bytes.count > 1 { bytes.remove(at: at) }
                    }
                }
                let path = try directory.write("m-\(round).\(format.fileExtension)", bytes)
                _ = try? Self.readAll(path, chunk: 1 + next(70_000))
            }
        }
    }

    @Test func detectsByMagicNotByName() {
        #expect(CompressionFormat.detect([0x1F, 0x8B, 0x08]) == .gzip)
        #expect(CompressionFormat.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) == .xz)
        #expect(CompressionFormat.detect([0x28, 0xB5, 0x2F, 0xFD]) == .zstd)
        #expect(CompressionFormat.detect([0xD4, 0xC3, 0xB2, 0xA1]) == nil)
        #expect(CompressionFormat.detect([0x1F]) == nil)
        #expect(CompressionFormat.strippingSuffix("trace.pcap1.GZ") == "trace.pcap1")
    }
}
