/// An SDP session description reduced to what RTP association needs (RFC 4566, RFC 3264).
///
/// Session-level `c=` and direction attributes apply to every `m=` line that does not set
/// its own (RFC 4566 §5.7, §6).
public struct SessionDescription: Sendable, Hashable {
    /// One `m=` line.
    public struct Media: Sendable, Hashable {
        /// `audio`, `video`, `image`, ...
        public var type: String
        public var port: Int
        /// `RTP/AVP`, `RTP/SAVP`, `udptl`, ...
        public var proto: String
        public var formats: [Int]
        /// `a=rtpmap` by payload type, e.g. `0: "PCMU/8000"`.
        public var rtpmap: [Int: String]
        /// Connection address (`c=`), media-level or inherited from the session.
        public var address: String?
        /// `sendrecv`, `sendonly`, `recvonly` or `inactive`; nil when none is given (means sendrecv).
        public var direction: String?
    }

    /// Session-level connection address.
    public var address: String?
    /// Session-level direction attribute.
    public var direction: String?
    public var media: [Media]

    /// Parses SDP text; nil when the body is not SDP (does not start with `v=`).
    public static func parse(_ body: [UInt8]) -> SessionDescription? {
        guard body.count >= 2, body[0] == UInt8(ascii: "v"), body[1] == UInt8(ascii: "=") else { return nil }
        var sdp = SessionDescription(address: nil, direction: nil, media: [])
        let text = String(decoding: body, as: UTF8.self)
        for rawLine in text.split(whereSeparator: \.isNewline) {
            guard rawLine.count >= 2, rawLine[rawLine.index(after: rawLine.startIndex)] == "=" else { continue }
            let type = rawLine.first
            let value = rawLine.dropFirst(2)
            switch type {
            case "c":
                // c=<nettype> <addrtype> <connection-address>[/ttl]
                let parts = value.split(separator: " ")
                guard parts.count >= 3 else { continue }
                let address = String(parts[2].split(separator: "/").first ?? parts[2])
                if sdp.media.isEmpty { sdp.address = address } else { sdp.media[sdp.media.count - 1].address = address }
            case "m":
                // m=<media> <port>[/<count>] <proto> <fmt> ...
                let parts = value.split(separator: " ")
                guard parts.count >= 3 else { continue }
                let port = Int(parts[1].split(separator: "/").first ?? "") ?? 0
                let formats = parts.dropFirst(3).compactMap { Int($0) }
                sdp.media.append(Media(type: String(parts[0]), port: port, proto: String(parts[2]), formats: formats, rtpmap: [:], address: nil, direction: nil))
            case "a":
                let attribute = value.prefix(while: { $0 != ":" })
                switch attribute {
                case "sendrecv", "sendonly", "recvonly", "inactive":
                    if sdp.media.isEmpty { sdp.direction = String(attribute) } else { sdp.media[sdp.media.count - 1].direction = String(attribute) }
                case "rtpmap":
                    // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<parameters>]
                    let rest = value.dropFirst("rtpmap:".count)
                    let parts = rest.split(separator: " ", maxSplits: 1)
                    if parts.count == 2, let pt = Int(parts[0]), !sdp.media.isEmpty {
                        sdp.media[sdp.media.count - 1].rtpmap[pt] = String(parts[1])
                    }
                default: break
                }
            default: break
            }
        }
        return sdp
    }

    /// The address and direction in force for media line `index`.
    public func effective(_ index: Int) -> (address: String?, direction: String) {
        let m = media[index]
        return (m.address ?? address, m.direction ?? direction ?? "sendrecv")
    }
}
