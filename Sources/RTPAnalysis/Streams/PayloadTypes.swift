/// What a payload type carries: the static assignments of RFC 3551 §6 (Table 4), overridden
/// by the `a=rtpmap` of the call's SDP for dynamic types (RFC 4566 §6).
public struct PayloadFormat: Sendable, Hashable {
    /// `PCMU/8000`, `telephone-event/8000`...
    public var name: String
    public var clockRate: Int
    public var kind: Kind

    /// What the payload is for the analysis: speech, key presses, silence or something else.
    public enum Kind: Sendable, Hashable {
        /// Speech or other audio: counted for quality and, if decodable, for voice activity.
        case audio
        /// RFC 4733 named telephone events (DTMF): counted as key presses, never as speech.
        case telephoneEvent
        /// RFC 3389 comfort noise: the sender is silent.
        case comfortNoise
        /// Video or unknown.
        case other
    }

    public init(name: String, clockRate: Int, kind: Kind) {
        self.name = name; self.clockRate = clockRate; self.kind = kind
    }

    /// The format of `payloadType`, from `rtpmap` (`[payloadType: "PCMU/8000"]`) when present,
    /// else from RFC 3551's static table; nil when unknown.
    public static func lookup(_ payloadType: Int, rtpmap: [Int: String]) -> PayloadFormat? {
        if let mapped = rtpmap[payloadType], let format = PayloadFormat(rtpmap: mapped) { return format }
        return staticTable[payloadType]
    }

    /// Parses `encoding/clock[/channels]` from an `a=rtpmap` attribute.
    public init?(rtpmap: String) {
        let parts = rtpmap.split(separator: "/")
        // The rate is written by the sender of the SDP: beyond the 32-bit RTP timestamp's range
        // it means nothing (RFC 3550 §5.1) and would overflow the arithmetic that uses it.
        guard parts.count >= 2, let clock = Int(parts[1]), clock > 0, clock <= Int(UInt32.max) else { return nil }
        let encoding = parts[0].lowercased()
        let kind: Kind
        switch encoding {
        case "telephone-event": kind = .telephoneEvent
        case "cn": kind = .comfortNoise
        case "h261", "h263", "h263-1998", "h264", "h265", "vp8", "vp9", "av1", "mpv", "jpeg": kind = .other
        default: kind = .audio
        }
        self.init(name: "\(parts[0])/\(clock)", clockRate: clock, kind: kind)
    }

    /// RFC 3551 Table 4 (audio) and 5 (video). G.722's RTP clock is 8000 although it samples
    /// at 16 kHz (RFC 3551 §4.5.2).
    static let staticTable: [Int: PayloadFormat] = [
        0: .init(name: "PCMU/8000", clockRate: 8000, kind: .audio),
        3: .init(name: "GSM/8000", clockRate: 8000, kind: .audio),
        4: .init(name: "G723/8000", clockRate: 8000, kind: .audio),
        5: .init(name: "DVI4/8000", clockRate: 8000, kind: .audio),
        6: .init(name: "DVI4/16000", clockRate: 16000, kind: .audio),
        7: .init(name: "LPC/8000", clockRate: 8000, kind: .audio),
        8: .init(name: "PCMA/8000", clockRate: 8000, kind: .audio),
        9: .init(name: "G722/8000", clockRate: 8000, kind: .audio),
        10: .init(name: "L16/44100", clockRate: 44100, kind: .audio),
        11: .init(name: "L16/44100", clockRate: 44100, kind: .audio),
        12: .init(name: "QCELP/8000", clockRate: 8000, kind: .audio),
        13: .init(name: "CN/8000", clockRate: 8000, kind: .comfortNoise),
        14: .init(name: "MPA/90000", clockRate: 90000, kind: .audio),
        15: .init(name: "G728/8000", clockRate: 8000, kind: .audio),
        16: .init(name: "DVI4/11025", clockRate: 11025, kind: .audio),
        17: .init(name: "DVI4/22050", clockRate: 22050, kind: .audio),
        18: .init(name: "G729/8000", clockRate: 8000, kind: .audio),
        26: .init(name: "JPEG/90000", clockRate: 90000, kind: .other),
        31: .init(name: "H261/90000", clockRate: 90000, kind: .other),
        32: .init(name: "MPV/90000", clockRate: 90000, kind: .other),
        34: .init(name: "H263/90000", clockRate: 90000, kind: .other),
    ]
}
