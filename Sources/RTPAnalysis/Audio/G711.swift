/// ITU-T G.711 companded audio decoded to linear 16-bit samples.
///
/// G.711 (11/88) §2 defines mu-law (Tables 2a/2b) and A-law (Tables 1a/1b) as 8-bit codes
/// for 14-bit (mu-law, ±8031) and 13-bit (A-law, ±4032) linear values. Like every common
/// implementation (the CCITT reference `g711.c`, sox, tshark) the decoded values are scaled
/// to 16 bits, mu-law by 4 and A-law by 8, so mu-law spans ±32124 and A-law ±32256.
/// Decoding is a lookup in 256-entry tables built once.
public enum G711 {
    /// Linear value of every mu-law code, indexed by the code byte.
    public static let muLawTable: [Int16] = (0...255).map { decodeMuLawBits(UInt8($0)) }
    /// Linear value of every A-law code, indexed by the code byte.
    public static let aLawTable: [Int16] = (0...255).map { decodeALawBits(UInt8($0)) }

    /// Squares of the linear values, for energy sums without decoding (32768² fits in `UInt32`).
    static let muLawSquares: [UInt32] = muLawTable.map { UInt32(Int32($0) * Int32($0)) }
    static let aLawSquares: [UInt32] = aLawTable.map { UInt32(Int32($0) * Int32($0)) }

    /// The linear 16-bit value of one mu-law code (`0xFF` and `0x7F` are the two zeros).
    @inlinable
    public static func decodeMuLaw(_ code: UInt8) -> Int16 { muLawTable[Int(code)] }

    /// The linear 16-bit value of one A-law code (`0xD5` is +8, `0x55` is -8).
    @inlinable
    public static func decodeALaw(_ code: UInt8) -> Int16 { aLawTable[Int(code)] }

    /// G.711 Table 2: the code is transmitted inverted; 3 exponent bits, 4 mantissa bits,
    /// bias 33 (132 once scaled by 4).
    static func decodeMuLawBits(_ code: UInt8) -> Int16 {
        let inverted = ~code
        let exponent = Int((inverted >> 4) & 0x07)
        let mantissa = Int(inverted & 0x0F)
        let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
        return Int16(inverted & 0x80 != 0 ? -magnitude : magnitude)
    }

    /// G.711 Table 1: even bits are inverted (XOR 0x55); segment 0 is linear, segments 1-7
    /// double the step each; the decoder outputs the middle of each quantization interval.
    static func decodeALawBits(_ code: UInt8) -> Int16 {
        let toggled = code ^ 0x55
        let exponent = Int((toggled >> 4) & 0x07)
        let mantissa = Int(toggled & 0x0F)
        var magnitude = (mantissa << 4) + 8
        if exponent > 0 { magnitude = (magnitude + 0x100) << (exponent - 1) }
        return Int16(toggled & 0x80 != 0 ? magnitude : -magnitude)
    }
}

/// The sample encodings whose energy callscope measures: G.711 mu-law and A-law, and 16-bit linear PCM.
///
/// RTP payloads follow RFC 3551: PCMU and PCMA (§4.5.14, static payload types 0 and 8) carry one
/// byte per sample; L16 (§4.5.11, static types 10 and 11 or a dynamic type named `L16`) carries
/// big-endian signed 16-bit samples. A WAV recording with 16-bit PCM is also described as `.l16`,
/// although RIFF stores those samples little-endian (``WAVRecording`` reads them so).
public enum AudioEncoding: Sendable, Hashable, CaseIterable {
    /// G.711 mu-law (`PCMU`).
    case pcmu
    /// G.711 A-law (`PCMA`).
    case pcma
    /// Linear PCM, signed 16-bit (`L16`, big-endian in RTP).
    case l16

    /// Bytes per sample of one channel.
    public var bytesPerSample: Int { self == .l16 ? 2 : 1 }

    /// The energy of one RTP payload: the sum of the squared linear samples (16-bit scale) and the
    /// number of samples. A trailing odd byte of an L16 payload is ignored.
    ///
    /// G.711 uses a table of squared values, so no sample is decoded and nothing is allocated.
    /// - Complexity: O(n) in the payload length.
    public func frameEnergy(_ payload: UnsafeRawBufferPointer) -> (sumOfSquares: Double, samples: Int) {
        let (sum, samples) = sumOfSquares(payload, channel: 0, channels: 1, littleEndian: false)
        return (Double(sum), samples)
    }

    /// The exact sum of squares of one channel of interleaved samples (`channels` samples per frame),
    /// over whole frames only. 16-bit samples are big-endian (RTP) or little-endian (RIFF).
    func sumOfSquares(
        _ bytes: UnsafeRawBufferPointer, channel: Int, channels: Int, littleEndian: Bool
    ) -> (sum: UInt64, samples: Int) {
        let frameSize = bytesPerSample * channels
        let frames = bytes.count / frameSize
        guard frames > 0 else { return (0, 0) }
        var sum: UInt64 = 0
        switch self {
        case .pcmu, .pcma:
            let squares = self == .pcmu ? G711.muLawSquares : G711.aLawSquares
            squares.withUnsafeBufferPointer { table in
                var index = channel
                for _ in 0..<frames {
                    sum &+= UInt64(table[Int(bytes[index])])
                    index &+= frameSize
                }
            }
        case .l16:
            let high = littleEndian ? 1 : 0
            var index = channel * 2
            for _ in 0..<frames {
                let word = UInt16(bytes[index + high]) << 8 | UInt16(bytes[index + 1 - high])
                let sample = Int64(Int16(bitPattern: word))
                sum &+= UInt64(sample * sample)
                index &+= frameSize
            }
        }
        return (sum, frames)
    }

    /// The encoding of an RTP stream from its SDP `a=rtpmap` encoding name (`PCMU`, `pcma/8000`,
    /// `L16/16000/2`; compared case-insensitively) or, without a name, from the static payload
    /// types of RFC 3551 §6 (0 PCMU, 8 PCMA, 10 and 11 L16). A name wins over the payload type;
    /// nil for any other codec (its energy cannot be measured without a decoder).
    public static func encoding(forRTPMap name: String?, payloadType: Int) -> AudioEncoding? {
        guard let name else {
            switch payloadType {
            case 0: return .pcmu
            case 8: return .pcma
            case 10, 11: return .l16
            default: return nil
            }
        }
        let encodingName = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            .first.map { $0.trimmingASCIISpaces().lowercased() } ?? ""
        switch encodingName {
        case "pcmu": return .pcmu
        case "pcma": return .pcma
        case "l16": return .l16
        default: return nil
        }
    }
}

extension Substring {
    fileprivate func trimmingASCIISpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
