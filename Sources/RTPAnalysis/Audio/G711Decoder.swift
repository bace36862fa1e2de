/// ITU-T G.711 companded audio decoded to linear 16-bit samples.
///
/// G.711 (11/88) §2 defines mu-law (Tables 2a/2b) and A-law (Tables 1a/1b) as 8-bit codes
/// for 14-bit (mu-law, ±8031) and 13-bit (A-law, ±4032) linear values. Like every common
/// implementation (the CCITT reference `g711.c`, sox, tshark) the decoded values are scaled
/// to 16 bits, mu-law by 4 and A-law by 8, so mu-law spans ±32124 and A-law ±32256.
/// Decoding is a lookup in 256-entry tables built once.
public enum G711Decoder {
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
