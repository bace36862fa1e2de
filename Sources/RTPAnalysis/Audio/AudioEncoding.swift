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
            let squares = self == .pcmu ? G711Decoder.muLawSquares : G711Decoder.aLawSquares
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
