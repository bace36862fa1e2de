/// ITU-T G.711 companding: 16-bit linear PCM to 8-bit mu-law (PT 0, PCMU) and A-law (PT 8, PCMA).
///
/// The generator encodes its synthetic speech itself; the analyzer decodes it with
/// `RTPAnalysis.G711Decoder`, and the tests check that the two round-trip exactly. The
/// encoders follow the segment tables of G.711 (1988) Tables 1a/2a as in the
/// well-known Sun Microsystems reference (`g711.c`): mu-law with bias 0x84 and clip
/// 32635, A-law on the 13 most significant bits with even-bit inversion (0x55).
/// RFC 3551 §4.5.14 gives the RTP payload types.
public enum G711Encoder {
    /// Encodes one sample to mu-law. `0` encodes to `0xFF`, the largest values to `0x80`/`0x00`.
    @inline(__always)
    public static func muLaw(_ sample: Int16) -> UInt8 {
        let bias = 0x84
        let clip = 32635
        var pcm = Int(sample)
        let sign: Int
        if pcm < 0 {
            pcm = -pcm
            sign = 0x80
        } else {
            sign = 0
        }
        if pcm > clip { pcm = clip }
        pcm += bias
        // Segment: position of the highest set bit above bit 7 (0...7).
        var exponent = 7
        var mask = 0x4000
        while exponent > 0, pcm & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        let mantissa = (pcm >> (exponent + 3)) & 0x0F
        return UInt8(truncatingIfNeeded: ~(sign | (exponent << 4) | mantissa))
    }

    /// Encodes one sample to A-law. `0` encodes to `0xD5`.
    @inline(__always)
    public static func aLaw(_ sample: Int16) -> UInt8 {
        var pcm = Int(sample) >> 3  // 13-bit
        let mask: Int
        if pcm >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            pcm = -pcm - 1
        }
        // Segment ends 0x1F, 0x3F, ... 0xFFF.
        var segment = 0
        var end = 0x1F
        while segment < 8, pcm > end {
            segment += 1
            end = (end << 1) | 1
        }
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        var value = segment << 4
        value |= segment < 2 ? (pcm >> 1) & 0x0F : (pcm >> segment) & 0x0F
        return UInt8(value ^ mask)
    }
}
