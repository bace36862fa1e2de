import Foundation

/// An estimated listening MOS for an RTP stream from a simplified ITU-T G.107 E-model.
///
/// `R = 93.2 - Id - Ie,eff` and `MOS = 1 + 0.035R + R(R-60)(100-R)·7·10⁻⁶` (G.107 (06/2015) §7 and
/// Annex B), clamped to 1 for R < 0 and 4.5 for R > 100. The simplifications:
/// - **Ro - Is = 93.2**: the G.107 default for every parameter not measured (noise, loudness,
///   sidetone); `A` (advantage factor) is 0.
/// - **Id = Idd only**: talker echo (Idte) and listener echo (Idle) are taken as perfectly
///   cancelled. Idd follows G.107 §7.3 with mT = 100 ms, sT = 1: 0 for Ta ≤ 100 ms, otherwise
///   `25{(1+X⁶)^(1/6) - 3(1+(X/3)⁶)^(1/6) + 2}` with `X = log2(Ta/100)`.
/// - **Ta is estimated, not measured**: a jitter buffer of `max(20 ms, 2 × jitter)`, plus the
///   packetization time (default 20 ms), plus a fixed one-way network allowance (default 30 ms).
///   Packets the jitter buffer would discard are not added to the loss.
/// - **Loss is random** (BurstR = 1): `Ie,eff = Ie + (95 - Ie) · Ppl / (Ppl + Bpl)` (G.107 §7.4).
///   Bursty loss (BurstR > 1) would lower the score further.
/// - **Codec table** (G.113 Appendix I, narrowband scale): PCMU and PCMA Ie 0, Bpl 25.1 (with PLC);
///   L16 as G.711; G.729 Ie 11, Bpl 19.0; G.722 Ie 0, Bpl 25.1, i.e. scored as narrowband G.711
///   (its wideband advantage, G.107.1, is not credited). Any other codec gives nil.
public enum EModel {
    /// Equipment impairment of a codec: `ie` without loss and `bpl` its robustness to packet loss.
    public struct CodecImpairment: Sendable, Hashable {
        public var ie: Double
        public var bpl: Double

        public init(ie: Double, bpl: Double) {
            self.ie = ie
            self.bpl = bpl
        }
    }

    /// The impairment of an RTP encoding name (`PCMU`, `pcma/8000`, `G729`...), case-insensitive; nil when unknown.
    public static func impairment(codec: String?) -> CodecImpairment? {
        guard let codec else { return nil }
        let name = codec.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first
            .map { $0.lowercased() } ?? ""
        switch name {
        case "pcmu", "pcma", "l16", "g722": return CodecImpairment(ie: 0, bpl: 25.1)
        case "g729": return CodecImpairment(ie: 11, bpl: 19.0)
        default: return nil
        }
    }

    /// The estimated MOS (1...4.5), or nil for an unknown codec or non-finite inputs.
    /// Negative loss (more duplicates than losses) counts as none.
    /// - Parameters:
    ///   - codec: the RTP encoding name, e.g. `PCMU/8000`.
    ///   - lossPercent: packets lost, percent of those expected.
    ///   - jitterMilliseconds: interarrival jitter (RFC 3550 §6.4.1).
    ///   - packetizationMilliseconds: audio per packet.
    ///   - networkDelayMilliseconds: the one-way transport allowance added to the delay estimate.
    public static func mos(
        codec: String?, lossPercent: Double, jitterMilliseconds: Double,
        packetizationMilliseconds: Double = 20, networkDelayMilliseconds: Double = 30
    ) -> Double? {
        guard let impairment = impairment(codec: codec),
              lossPercent.isFinite, jitterMilliseconds.isFinite,
              packetizationMilliseconds.isFinite, networkDelayMilliseconds.isFinite
        else { return nil }
        let loss = min(max(lossPercent, 0), 100)
        let jitterBuffer = max(20, 2 * max(jitterMilliseconds, 0))
        let delay = jitterBuffer + max(packetizationMilliseconds, 0) + max(networkDelayMilliseconds, 0)
        let ieEff = impairment.ie + (95 - impairment.ie) * loss / (loss + impairment.bpl)
        let r = 93.2 - delayImpairment(oneWayMilliseconds: delay) - ieEff
        return mos(rFactor: r)
    }

    /// G.107 §7.3 Idd with mT = 100 ms and sT = 1 (0 up to 100 ms).
    public static func delayImpairment(oneWayMilliseconds ta: Double) -> Double {
        guard ta > 100 else { return 0 }
        let x = log2(ta / 100)
        return 25 * (pow(1 + pow(x, 6), 1.0 / 6) - 3 * pow(1 + pow(x / 3, 6), 1.0 / 6) + 2)
    }

    /// G.107 Annex B: MOS from the rating R.
    public static func mos(rFactor r: Double) -> Double {
        if r < 0 { return 1 }
        if r > 100 { return 4.5 }
        return min(4.5, max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6))
    }
}
