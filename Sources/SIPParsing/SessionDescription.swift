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

    /// Parses SDP text; nil when the body is not SDP (does not start with `v=`). Read on bytes:
    /// strings are built only for the fields kept.
    public static func parse(_ body: [UInt8]) -> SessionDescription? {
        guard body.count >= 2, body[0] == UInt8(ascii: "v"), body[1] == UInt8(ascii: "=") else { return nil }
        return body.withUnsafeBytes { parse($0) }
    }

    static func parse(_ b: UnsafeRawBufferPointer) -> SessionDescription {
        var sdp = SessionDescription(address: nil, direction: nil, media: [])
        var start = 0
        while start < b.count {
            let end = b.lineEnd(from: start)
            defer { start = end + 1 }
            guard end - start >= 2, b[start + 1] == UInt8(ascii: "=") else { continue }
            let value = (start + 2)..<end
            switch b[start] {
            case UInt8(ascii: "c"):
                // c=<nettype> <addrtype> <connection-address>[/ttl]
                var words = Words(b, value)
                guard words.next() != nil, words.next() != nil, let connection = words.next() else { continue }
                let address = b.string(connection.lowerBound..<(b.firstIndex(of: UInt8(ascii: "/"), in: connection) ?? connection.upperBound))
                if sdp.media.isEmpty { sdp.address = address } else { sdp.media[sdp.media.count - 1].address = address }
            case UInt8(ascii: "m"):
                // m=<media> <port>[/<count>] <proto> <fmt> ...
                var words = Words(b, value)
                guard let type = words.next(), let portWord = words.next(), let proto = words.next() else { continue }
                let port = b.integer(portWord.lowerBound..<(b.firstIndex(of: UInt8(ascii: "/"), in: portWord) ?? portWord.upperBound)) ?? 0
                var formats: [Int] = []
                while let format = words.next() { if let number = b.integer(format) { formats.append(number) } }
                sdp.media.append(Media(type: b.string(type), port: port, proto: b.string(proto), formats: formats, rtpmap: [:], address: nil, direction: nil))
            case UInt8(ascii: "a"):
                let attribute = value.lowerBound..<(b.firstIndex(of: UInt8(ascii: ":"), in: value) ?? value.upperBound)
                if b.equals(attribute, "sendrecv") || b.equals(attribute, "sendonly") || b.equals(attribute, "recvonly") || b.equals(attribute, "inactive") {
                    let direction = b.string(attribute)
                    if sdp.media.isEmpty { sdp.direction = direction } else { sdp.media[sdp.media.count - 1].direction = direction }
                } else if b.equals(attribute, "rtpmap"), attribute.upperBound < value.upperBound, !sdp.media.isEmpty {
                    // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<parameters>]
                    var rest = (attribute.upperBound + 1)..<value.upperBound
                    while rest.lowerBound < rest.upperBound, b[rest.lowerBound] == 0x20 { rest = (rest.lowerBound + 1)..<rest.upperBound }
                    let space = b.firstIndex(of: 0x20, in: rest) ?? rest.upperBound
                    let encoding = Swift.min(space + 1, rest.upperBound)..<rest.upperBound
                    if !encoding.isEmpty, let pt = b.integer(rest.lowerBound..<space) {
                        sdp.media[sdp.media.count - 1].rtpmap[pt] = b.string(encoding)
                    }
                }
            default: break
            }
        }
        return sdp
    }

    /// The space-separated words of an SDP line (runs of spaces are one separator).
    struct Words {
        let b: UnsafeRawBufferPointer
        var i: Int
        let end: Int
        init(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) { self.b = b; i = range.lowerBound; end = range.upperBound }
        mutating func next() -> Range<Int>? {
            while i < end, b[i] == 0x20 { i += 1 }
            guard i < end else { return nil }
            let start = i
            while i < end, b[i] != 0x20 { i += 1 }
            return start..<i
        }
    }

    /// The address and direction in force for media line `index`.
    public func effective(_ index: Int) -> (address: String?, direction: String) {
        let m = media[index]
        return (m.address ?? address, m.direction ?? direction ?? "sendrecv")
    }
}
