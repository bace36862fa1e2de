import Foundation
import Testing
@testable import RTPAnalysis

/// Small WAV files built byte by byte: malformed files are about headers, so no fixture is needed.
private enum WAV {
    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16(value >> 16 & 0xFFFF) }

    static func chunk(_ id: String, _ body: [UInt8], declaredSize: Int? = nil) -> [UInt8] {
        Array(id.utf8) + le32(declaredSize ?? body.count) + body + (body.count % 2 == 1 ? [0] : [])
    }

    static func fmt(tag: Int = 7, channels: Int = 1, rate: Int = 8000, bits: Int = 8, blockAlign: Int? = nil) -> [UInt8] {
        let align = blockAlign ?? channels * max(1, bits / 8)
        return chunk("fmt ", le16(tag) + le16(channels) + le32(rate) + le32(rate * align) + le16(align) + le16(bits))
    }

    /// WAVE_FORMAT_EXTENSIBLE with a KSDATAFORMAT_SUBTYPE GUID for `subtag`.
    static func extensible(subtag: Int, channels: Int, bits: Int, guidTail: [UInt8]? = nil) -> [UInt8] {
        let align = channels * bits / 8
        let tail = guidTail ?? [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        let body = le16(0xFFFE) + le16(channels) + le32(8000) + le32(8000 * align) + le16(align) + le16(bits)
            + le16(22) + le16(bits) + le32(3) + le16(subtag) + tail
        return chunk("fmt ", body)
    }

    static func file(_ chunks: [UInt8]...) -> [UInt8] {
        let body = Array("WAVE".utf8) + chunks.flatMap { $0 }
        return Array("RIFF".utf8) + le32(body.count) + body
    }
}

@Suite("WAV recordings")
struct WAVFileTests {
    @Test func chunksAreWalkedWithPaddingAndSkipped() throws {
        let samples = [UInt8](repeating: 0x00, count: 800) + [UInt8](repeating: 0xFF, count: 800)  // stereo: 400 frames each
        let bytes = WAV.file(
            WAV.chunk("LIST", Array("INFOx".utf8)),  // odd size: one pad byte follows
            WAV.extensible(subtag: 7, channels: 2, bits: 8),
            WAV.chunk("fact", WAV.le32(800)),
            WAV.chunk("data", samples),
            WAV.chunk("LIST", Array("tail".utf8)))
        let recording = try WAVRecording(bytes: bytes)
        #expect(recording.channels == 2 && recording.sampleRate == 8000 && recording.encoding == .pcmu)
        #expect(recording.frameCount == 800 && recording.duration == 100_000_000)
        #expect(recording.warnings.isEmpty)
        // Frames 0..<400 are loud on both channels, then silent (0xFF = 0).
        let tracks = recording.activityTracks()
        #expect(tracks.count == 2 && tracks[0].slotCount == 10)
        for track in tracks {
            #expect(abs((track.level(ofSlot: 0) ?? .nan) - 20 * log10(32124 / 32768.0)) < 0.001)
            #expect(track.level(ofSlot: 9) == -.infinity)
        }
    }

    @Test("Every supported format", arguments: [(1, 16, AudioEncoding.l16), (6, 8, .pcma), (7, 8, .pcmu)])
    func supportedFormats(tag: Int, bits: Int, encoding: AudioEncoding) throws {
        for fmt in [WAV.fmt(tag: tag, bits: bits), WAV.extensible(subtag: tag, channels: 1, bits: bits)] {
            let recording = try WAVRecording(bytes: WAV.file(fmt, WAV.chunk("data", [UInt8](repeating: 0, count: 160))))
            #expect(recording.encoding == encoding && recording.channels == 1)
            #expect(recording.frameCount == 160 / (bits / 8))
        }
    }

    @Test func pcm16IsLittleEndianAtAnyRate() throws {
        // 11025 Hz: 10 ms slots hold 110 or 111 frames. Left a -6 dBFS square wave, right silent.
        var data: [UInt8] = []
        for frame in 0..<11025 { data += WAV.le16(frame % 2 == 0 ? 16384 : 0x10000 - 16384) + [0, 0] }
        let recording = try WAVRecording(bytes: WAV.file(WAV.fmt(tag: 1, channels: 2, rate: 11025, bits: 16), WAV.chunk("data", data)))
        #expect(recording.duration == 1_000_000_000 && recording.frameCount == 11025)
        let tracks = recording.activityTracks()
        #expect(tracks[0].slotCount == 100 && tracks[1].slotCount == 100)
        for slot in 0..<100 {
            #expect(abs((tracks[0].level(ofSlot: slot) ?? .nan) - -6.0206) < 0.001)
        }
        #expect(tracks[0].speech(options: .standard) == [Bool](repeating: true, count: 100))
        #expect(tracks[1].speech(options: .standard) == [Bool](repeating: false, count: 100))
    }

    @Test func truncatedDataIsReadAndReported() throws {
        let bytes = WAV.file(WAV.fmt(), WAV.chunk("data", [UInt8](repeating: 0x00, count: 1000), declaredSize: 4000))
        let recording = try WAVRecording(bytes: bytes)
        #expect(recording.frameCount == 1000)
        #expect(recording.warnings.count == 1 && recording.warnings.first?.isTruncatedData == true)
        #expect(recording.warnings.first?.description == "data chunk truncated: 1000 of 4000 bytes (byte 36)")
    }

    @Test func partialLastFrameIsReported() throws {
        let bytes = WAV.file(WAV.fmt(tag: 1, channels: 2, bits: 16), WAV.chunk("data", [UInt8](repeating: 0, count: 403)))
        let recording = try WAVRecording(bytes: bytes)
        #expect(recording.frameCount == 100)
        #expect(recording.warnings.map(\.description) == ["last sample frame incomplete: 3 of 4 bytes ignored (byte 444)"])
    }

    static let data = WAV.chunk("data", [UInt8](repeating: 0xFF, count: 16))
    static let malformed: [(String, [UInt8], WAVError.Code, String)] = [
        ("empty", [], .notRIFFWAVE, "not a RIFF/WAVE file (byte 0)"),
        ("truncated RIFF header", Array("RIFF\u{0}\u{0}\u{0}\u{0}WA".utf8), .notRIFFWAVE, "not a RIFF/WAVE file (byte 0)"),
        ("AVI, not WAVE", Array("RIFF\u{4}\u{0}\u{0}\u{0}AVI ".utf8), .notRIFFWAVE, "not a RIFF/WAVE file (byte 0)"),
        ("truncated chunk header", WAV.file(Array("fmt \u{10}\u{0}".utf8)), .chunkHeaderTruncated,
         "chunk header truncated: 6 of 8 bytes (byte 12)"),
        ("truncated fmt", Array(WAV.file(WAV.fmt()).prefix(30)), .fmtTruncated, "fmt chunk truncated: 10 of 16 bytes (byte 12)"),
        ("short fmt", WAV.file(WAV.chunk("fmt ", WAV.le16(7) + WAV.le16(1)), data), .fmtTruncated, "fmt chunk too short: 4 bytes (byte 12)"),
        ("missing fmt", WAV.file(WAV.chunk("LIST", [1, 2, 3]), data), .fmtMissing, "fmt chunk missing (byte 48)"),
        ("missing data", WAV.file(WAV.fmt()), .dataMissing, "data chunk missing (byte 36)"),
        ("MP3", WAV.file(WAV.fmt(tag: 85, bits: 0, blockAlign: 1), data), .unsupportedFormat,
         "unsupported format tag 85 (MP3); PCM16, A-law and mu-law are supported (byte 20)"),
        ("IEEE float", WAV.file(WAV.fmt(tag: 3, bits: 32), data), .unsupportedFormat,
         "unsupported format tag 3 (IEEE float); PCM16, A-law and mu-law are supported (byte 20)"),
        ("8-bit PCM", WAV.file(WAV.fmt(tag: 1, bits: 8), data), .unsupportedFormat,
         "unsupported PCM sample size 8 bits; only 16-bit PCM is supported (byte 34)"),
        ("16-bit mu-law", WAV.file(WAV.fmt(tag: 7, bits: 16), data), .unsupportedFormat,
         "16 bits per sample for format tag 7; G.711 has 8 (byte 34)"),
        ("extensible float", WAV.file(WAV.extensible(subtag: 3, channels: 1, bits: 32), data), .unsupportedFormat,
         "unsupported format tag 3 (IEEE float); PCM16, A-law and mu-law are supported (byte 20)"),
        ("extensible foreign GUID", WAV.file(WAV.extensible(subtag: 1, channels: 1, bits: 16, guidTail: [UInt8](repeating: 7, count: 14)), data),
         .unsupportedFormat, "unsupported WAVE_FORMAT_EXTENSIBLE sub-format; PCM16, A-law and mu-law are supported (byte 44)"),
        ("3 channels", WAV.file(WAV.fmt(channels: 3), data), .unsupportedChannelCount, "3 channels; mono and stereo are supported (byte 22)"),
        ("0 channels", WAV.file(WAV.fmt(channels: 0, blockAlign: 1), data), .unsupportedChannelCount, "0 channels; mono and stereo are supported (byte 22)"),
        ("rate 0", WAV.file(WAV.fmt(rate: 0), data), .invalidFormat, "sample rate 0 Hz; a call recording has 4000 to 192000 Hz (byte 24)"),
        // A 1 Hz header once made talk analysis size ~100 voice-activity slots per sample byte.
        ("rate 1", WAV.file(WAV.fmt(rate: 1), data), .invalidFormat, "sample rate 1 Hz; a call recording has 4000 to 192000 Hz (byte 24)"),
        ("rate 3999", WAV.file(WAV.fmt(rate: 3999), data), .invalidFormat, "sample rate 3999 Hz; a call recording has 4000 to 192000 Hz (byte 24)"),
        ("rate 192001", WAV.file(WAV.fmt(rate: 192_001), data), .invalidFormat, "sample rate 192001 Hz; a call recording has 4000 to 192000 Hz (byte 24)"),
        ("block align", WAV.file(WAV.fmt(channels: 2, blockAlign: 3), data), .invalidFormat, "block align 3 where the format needs 2 (byte 32)"),
    ]

    @Test("Malformed files give typed errors", arguments: malformed)
    func malformedFiles(name: String, bytes: [UInt8], code: WAVError.Code, description: String) {
        do {
            let recording = try WAVRecording(bytes: bytes)
            Issue.record("\(name): parsed as \(recording.channels) channels")
        } catch {
            #expect(error.code == code, "\(name)")
            #expect(error.description == description, "\(name)")
        }
    }
}
