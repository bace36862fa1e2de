/// What became of a frame given to ``PacketDecoder/decode(frame:linkType:timestamp:_:)``.
public enum FrameDisposition: Sendable, Hashable {
    /// At least one ``TransportPacket`` was handed to the callback.
    case decoded
    /// The frame was an IP fragment, kept until the rest of its datagram arrives.
    case fragmentHeld
    /// Nothing at the transport layer: ARP, ICMP, LLC, an unknown EtherType or IP
    /// protocol, a GTP-U control message, SCTP without DATA chunks...
    case notTransport
}

/// Turns link-layer frames into transport payloads (UDP datagrams, TCP segments,
/// SCTP DATA chunks), through any stack of link layers and tunnels.
///
/// Why one decoder: captures from SBCs, mobile cores and mirror ports carry SIP
/// inside VLAN tags, MPLS, PPPoE, GRE/ERSPAN, IP-in-IP, GTP-U and VXLAN, and often
/// fragmented. The decoder parses in place and hands out slices of the frame, so a
/// frame that is not fragmented costs no allocation; only IP fragments are copied,
/// into reassembly buffers, until their datagram is complete.
///
/// Specifications followed: tcpdump.org LINKTYPE pages (NULL, LOOP, ETHERNET,
/// LINUX_SLL, LINUX_SLL2, RAW, IPV4, IPV6), IEEE 802.1Q (C-tag 0x8100, S-tag 0x88A8,
/// legacy 0x9100/0x9200), RFC 3032 (MPLS label stacks), RFC 2516 (PPPoE session),
/// RFC 1661 (PPP), RFC 791 (IPv4, fragments), RFC 8200 §4 (IPv6 extension headers,
/// §4.5 fragments), RFC 4302 (AH), RFC 2003/4213 (IP-in-IP), RFC 2784/2890 (GRE,
/// key and sequence), RFC 1701 (GRE routing), RFC 2637 §4.1 (enhanced GRE),
/// draft-foschiano-erspan (ERSPAN I/II/III), 3GPP TS 29.281 §5 (GTP-U), RFC 7348
/// (VXLAN), RFC 768 (UDP), RFC 9293 (TCP), RFC 4960 §3.3.1 and RFC 8260 (SCTP DATA
/// and I-DATA).
///
/// Truncated or malformed input throws ``PacketDecodingError``; every read is bounds
/// checked first, so no input can crash the decoder. IP bytes after the IPv4 total
/// length (or IPv6 payload length) are link padding and ignored; a packet shorter
/// than its length field is truncated and throws. A length field of 0 (a TCP
/// segmentation offload capture) means "up to the end of the captured bytes".
///
/// ```swift
/// var decoder = PacketDecoder()
/// let disposition = try decoder.decode(frame: bytes, linkType: .ethernet, timestamp: ns) { packet in
///     print(packet.flow, packet.payload.count)
/// }
/// ```
public struct PacketDecoder: Sendable {
    /// Limits of IP fragment reassembly.
    public struct Configuration: Sendable {
        /// Fragments of a datagram still incomplete this long after its first fragment are dropped (RFC 791 suggests 15 s; Linux uses 30 s).
        public var fragmentTimeoutNanoseconds: Int64
        /// At most this many datagrams are reassembled at once; the oldest is dropped to make room.
        public var maxPendingFragmentGroups: Int
        /// Largest reassembled IP payload accepted; fragments reaching beyond it are rejected.
        public var maxReassembledSize: Int
        /// Deepest stack of tunnels followed (IP-in-IP, GRE, GTP-U, VXLAN, MPLS pseudowires).
        public var maxEncapsulationDepth: Int

        public init(
            fragmentTimeoutNanoseconds: Int64 = 30_000_000_000,
            maxPendingFragmentGroups: Int = 4096,
            maxReassembledSize: Int = 65_535,
            maxEncapsulationDepth: Int = 8
        ) {
            self.fragmentTimeoutNanoseconds = fragmentTimeoutNanoseconds
            self.maxPendingFragmentGroups = maxPendingFragmentGroups
            self.maxReassembledSize = maxReassembledSize
            self.maxEncapsulationDepth = maxEncapsulationDepth
        }
    }

    public let configuration: Configuration
    var fragments: FragmentReassembler

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        self.fragments = FragmentReassembler(configuration: configuration)
    }

    /// How many datagrams are waiting for more fragments.
    public var pendingFragmentGroups: Int { fragments.pendingGroups }

    /// How many incomplete datagrams were dropped so far (timed out or evicted).
    public var droppedFragmentGroups: Int { fragments.droppedGroups }

    typealias Body = (TransportPacket) throws -> Void

    /// Decodes one link-layer frame and calls `body` with each transport packet it
    /// carries (tunnels decapsulated; a fragmented datagram only once complete, at
    /// the frame that completes it).
    ///
    /// - Parameters:
    ///   - frame: the captured bytes, starting at the link-layer header.
    ///   - linkType: the capture's link-layer header type.
    ///   - timestamp: capture time in nanoseconds, used to expire fragments.
    ///   - body: called with each transport packet; its payload is valid only during the call.
    /// - Returns: whether transport packets were found, a fragment was kept, or neither.
    /// - Throws: ``PacketDecodingError`` for truncated or malformed frames and
    ///   unsupported link types, or whatever `body` throws.
    @discardableResult
    public mutating func decode(
        frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Int64,
        _ body: (TransportPacket) throws -> Void
    ) throws -> FrameDisposition {
        switch linkType.rawValue {
        case 1:
            return try decodeEthernet(frame, timestamp, depth: 0, body)
        case 113:
            return try decodeLinuxSLL(frame, timestamp, body)
        case 276:
            return try decodeLinuxSLL2(frame, timestamp, body)
        case 101, 12, 14:
            return try decodeRawIP(frame, timestamp, depth: 0, body)
        case 228:
            return try decodeIPv4(frame, timestamp, depth: 0, body)
        case 229:
            return try decodeIPv6(frame, timestamp, depth: 0, body)
        case 0:
            return try decodeNull(frame, timestamp, networkOrder: false, body)
        case 108:
            return try decodeNull(frame, timestamp, networkOrder: true, body)
        default:
            throw PacketDecodingError.unsupportedLinkType(linkType.rawValue)
        }
    }
}
