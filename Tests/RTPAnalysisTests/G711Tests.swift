import Foundation
import Testing
@testable import RTPAnalysis
import TestSupport

@Suite("G.711 and payload energy")
struct G711Tests {
    @Test("Code points of G.711 Tables 1 and 2 (16-bit scaled)", arguments: [
        (AudioEncoding.pcmu, UInt8(0xFF), Int16(0)), (.pcmu, 0x7F, 0), (.pcmu, 0x00, -32124), (.pcmu, 0x80, 32124),
        (.pcmu, 0xFE, 8), (.pcmu, 0x7E, -8), (.pcmu, 0xF0, 120),
        (.pcma, 0xD5, 8), (.pcma, 0x55, -8), (.pcma, 0x2A, -32256), (.pcma, 0xAA, 32256), (.pcma, 0xD4, 24),
    ])
    func codePoints(encoding: AudioEncoding, code: UInt8, linear: Int16) {
        let decoded = encoding == .pcmu ? G711Decoder.decodeMuLaw(code) : G711Decoder.decodeALaw(code)
        #expect(decoded == linear)
    }

    @Test("All 256 codes decode as sox decodes them", arguments: [("u-law", AudioEncoding.pcmu), ("a-law", .pcma)])
    func wholeTableMatchesSox(soxEncoding: String, encoding: AudioEncoding) throws {
        let scratch = TemporaryDirectory("rtpaudio-g711-table")
        defer { scratch.remove() }
        let directory = scratch.path
        let codes = (0...255).map { UInt8($0) }
        try Data(codes).write(to: URL(fileURLWithPath: "\(directory)/codes.raw"))
        let decoded = try Self.soxDecode("\(directory)/codes.raw", soxEncoding: soxEncoding, into: "\(directory)/linear.raw")
        let table = encoding == .pcmu ? G711Decoder.muLawTable : G711Decoder.aLawTable
        #expect(decoded == table)
    }

    @Test("sox-encoded tone and speech decode exactly as sox decodes them", arguments: [("u-law", AudioEncoding.pcmu), ("a-law", .pcma)])
    func roundTripAgainstSox(soxEncoding: String, encoding: AudioEncoding) throws {
        let scratch = TemporaryDirectory("rtpaudio-g711-roundtrip")
        defer { scratch.remove() }
        let directory = scratch.path
        let tone = "\(directory)/tone.wav", speech = "\(directory)/speech.wav", both = "\(directory)/both.wav"
        try Tools.run("sox", ["-r", "8000", "-n", "-b", "16", "-c", "1", tone, "synth", "0.5", "sine", "200-3400", "vol", "0.8"])
        try Tools.run("espeak-ng", ["-w", "\(directory)/espeak.wav", "one two three four five"])
        try Tools.run("sox", ["-D", "\(directory)/espeak.wav", "-r", "8000", "-b", "16", "-c", "1", speech])
        try Tools.run("sox", [tone, speech, both])
        let coded = "\(directory)/coded.raw"
        try Tools.run("sox", ["-D", both, "-t", "raw", "-e", soxEncoding, "-b", "8", coded])
        let codes = try Tools.bytes(coded)
        #expect(codes.count > 8000)
        let expected = try Self.soxDecode(coded, soxEncoding: soxEncoding, into: "\(directory)/linear.raw")
        let table = encoding == .pcmu ? G711Decoder.muLawTable : G711Decoder.aLawTable
        let ours = codes.map { table[Int($0)] }
        #expect(ours == expected)

        // frameEnergy over 20 ms payloads equals the exact sum of the decoded squares.
        var frame = 0
        while (frame + 1) * 160 <= codes.count {
            let range = (frame * 160)..<((frame + 1) * 160)
            let exact = expected[range].reduce(0.0) { $0 + Double(Int($1) * Int($1)) }
            let energy = codes[range].withUnsafeBytes { encoding.frameEnergy($0) }
            #expect(energy.samples == 160)
            #expect(energy.sumOfSquares == exact)
            frame += 1
        }
    }

    @Test func frameEnergyOfKnownPayloads() {
        let loudMuLaw = [UInt8](repeating: 0x00, count: 160)
        let muLaw = loudMuLaw.withUnsafeBytes { AudioEncoding.pcmu.frameEnergy($0) }
        #expect(muLaw.samples == 160 && muLaw.sumOfSquares == 160 * 32124.0 * 32124.0)

        let silentALaw = [UInt8](repeating: 0xD5, count: 80)
        let aLaw = silentALaw.withUnsafeBytes { AudioEncoding.pcma.frameEnergy($0) }
        #expect(aLaw.samples == 80 && aLaw.sumOfSquares == 80 * 64)

        // L16 is big-endian (RFC 3551 §4.5.11): 0x8000 = -32768, 0x0100 = 256; a trailing odd byte is ignored.
        let l16: [UInt8] = [0x80, 0x00, 0x01, 0x00, 0x7F]
        let linear = l16.withUnsafeBytes { AudioEncoding.l16.frameEnergy($0) }
        #expect(linear.samples == 2 && linear.sumOfSquares == 32768.0 * 32768.0 + 65536)

        let empty = [UInt8]().withUnsafeBytes { AudioEncoding.pcmu.frameEnergy($0) }
        #expect(empty.samples == 0 && empty.sumOfSquares == 0)
    }

    @Test("Encoding from rtpmap name or static payload type", arguments: [
        ("PCMU/8000", 0, AudioEncoding?.some(.pcmu)), ("pcma/8000", 96, .pcma), ("L16/16000/2", 97, .l16),
        ("l16", 11, .l16), (nil, 0, .pcmu), (nil, 8, .pcma), (nil, 11, .l16), (nil, 96, nil), (nil, 18, nil),
        ("opus/48000/2", 0, nil), ("G729/8000", 18, nil), ("", 0, nil),
    ] as [(String?, Int, AudioEncoding?)])
    func encodingForRTPMap(name: String?, payloadType: Int, expected: AudioEncoding?) {
        #expect(AudioEncoding.encoding(forRTPMap: name, payloadType: payloadType) == expected)
    }

    /// Decodes raw 8-bit G.711 with sox to signed 16-bit little-endian and reads it back.
    static func soxDecode(_ path: String, soxEncoding: String, into output: String) throws -> [Int16] {
        try Tools.run("sox", ["-D", "-t", "raw", "-r", "8000", "-e", soxEncoding, "-b", "8", "-c", "1", path,
                              "-t", "raw", "-e", "signed-integer", "-b", "16", "-L", output])
        let bytes = try Tools.bytes(output)
        return stride(from: 0, to: bytes.count - 1, by: 2).map {
            Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
        }
    }
}
