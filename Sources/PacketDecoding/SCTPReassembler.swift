/// Joins the fragments of SCTP user messages (RFC 4960 §6.9, RFC 8260 §2.1) per association
/// direction, for message protocols such as SIP over SCTP (RFC 4168), as tshark does.
///
/// Per direction (a directional ``FlowKey``): a chunk holding a whole message (B and E flags)
/// is handed on at once, from the packet (no copy). Fragments are copied and held until their
/// message is complete, in any arrival order: DATA fragments by TSN (a message is a run of
/// consecutive TSNs from a B fragment to an E fragment, all of one stream identifier, stream
/// sequence number and U flag, ordered or unordered alike), I-DATA fragments by stream,
/// message identifier and fragment sequence number. A fragment already held, or one of a
/// message delivered lately (a retransmission), is a duplicate and ignored. Reported with
/// ``Event/dropped(_:_:)`` and dropped: a run whose fragments disagree (another stream or
/// sequence number, a B or E flag inside), everything a direction holds when it would exceed
/// `maxBufferedBytesPerDirection` or ``maxHeldChunksPerDirection`` chunks, fragments still
/// incomplete `timeoutNanoseconds` after they came (RFC 4960 §15: RTO.Max is 60 s, so a
/// retransmission would have come; all directions are checked at most once per tenth of the
/// timeout), and what is left on ``flush(_:)``, with the TSN (or fragment number) found missing.
///
/// - Complexity: O(1) per whole-message chunk, O(fragments of the message) per fragment, and
///   O(directions) per sweep (at most one per tenth of the timeout).
public struct SCTPReassembler: Sendable {
    /// What the reassembler reports for a direction.
    public enum Event {
        /// A complete user message; valid only during the callback.
        case message(FlowKey, UnsafeRawBufferPointer)
        /// Fragments that never made a message, and why.
        case dropped(FlowKey, Drop)
    }

    /// Fragments dropped without making a message.
    public struct Drop: Sendable, Hashable, CustomStringConvertible {
        public enum Reason: Sendable, Hashable {
            /// The direction would have held more than this many fragments or bytes.
            case limit(chunks: Int, bytes: Int)
            /// The fragments of one run disagree (stream, sequence number, flags).
            case inconsistent
            /// Fragments still missing when they timed out or the capture ended: the first
            /// missing TSN (I-DATA: fragment sequence number), when one is known.
            case incomplete(missing: UInt32?, interleaved: Bool)
        }

        public var reason: Reason
        public var chunks: Int
        public var bytes: Int

        public var description: String {
            let what = "\(chunks) fragment\(chunks == 1 ? "" : "s") (\(bytes) bytes) of SCTP user messages dropped"
            switch reason {
            case .limit(let maxChunks, let maxBytes):
                return "\(what): more than \(maxChunks) fragments or \(maxBytes) bytes held for one direction"
            case .inconsistent:
                return "\(what): fragments of one message disagree (stream, sequence number or B/E flags)"
            case .incomplete(let missing, let interleaved):
                let hole = missing.map { interleaved ? ", fragment sequence number \($0) missing" : ", TSN \($0) missing" } ?? ""
                return "\(what): message never completed\(hole)"
            }
        }
    }

    /// DATA fragments share one TSN space per direction; I-DATA fragments are numbered per message.
    private struct Group: Hashable, Sendable {
        var interleaved: Bool
        var stream: UInt16
        var unordered: Bool
        var message: UInt32
    }

    private struct Position: Hashable, Sendable {
        var group: Group
        var index: UInt32
    }

    private struct Fragment: Sendable {
        var info: SCTPDataChunkInfo
        var bytes: [UInt8]
        var arrival: Int64
    }

    private struct Direction: Sendable {
        var order: Int
        var lastSeen: Int64
        var held: [Position: Fragment] = [:]
        var bufferedBytes = 0
        var oldestArrival: Int64 = .max
        /// The last messages delivered from fragments: (group, first index, fragments), a ring.
        var delivered: [(group: Group, first: UInt32, count: UInt32)] = []
        var deliveredNext = 0
    }

    /// Fragments held per direction before everything it holds is dropped.
    public static let maxHeldChunksPerDirection = 1024
    /// Messages remembered per direction to recognise retransmitted fragments.
    static let deliveredMemory = 16

    public let maxBufferedBytesPerDirection: Int
    public let timeoutNanoseconds: Int64
    private var directions: [FlowKey: Direction] = [:]
    private var nextOrder = 0
    private var lastSweep: Int64 = .min
    /// Reused to join a message's fragments.
    private var scratch: [UInt8] = []

    public init(maxBufferedBytesPerDirection: Int = 1 << 20, timeoutNanoseconds: Int64 = 60_000_000_000) {
        self.maxBufferedBytesPerDirection = maxBufferedBytesPerDirection
        self.timeoutNanoseconds = timeoutNanoseconds
    }

    /// How many fragments are held, over all directions.
    public var heldChunks: Int { directions.values.reduce(0) { $0 + $1.held.count } }

    /// Adds one DATA or I-DATA chunk (a packet without ``TransportPacket/sctp`` is handed on
    /// whole) received at `timestamp` (nanoseconds); `body` gets the complete messages and drops.
    public mutating func add(_ packet: TransportPacket, timestamp: Int64, _ body: (Event) throws -> Void) rethrows {
        if !directions.isEmpty { try sweep(now: timestamp, body) }
        guard let info = packet.sctp, !info.isWholeMessage else {
            try body(.message(packet.flow, packet.payload))
            return
        }
        let flow = packet.flow
        if directions[flow] == nil {
            directions[flow] = Direction(order: nextOrder, lastSeen: timestamp)
            nextOrder += 1
        }
        guard var direction = directions.removeValue(forKey: flow) else { return }
        defer { directions[flow] = direction }
        direction.lastSeen = timestamp
        let group = Group(
            interleaved: info.interleaved, stream: info.interleaved ? info.streamIdentifier : 0,
            unordered: info.interleaved && info.unordered, message: info.interleaved ? info.messageNumber : 0)
        let position = Position(group: group, index: info.interleaved ? info.fragmentNumber : info.tsn)
        guard direction.held[position] == nil, !Self.wasDelivered(position, in: direction) else { return }  // duplicate
        if direction.held.count + 1 > Self.maxHeldChunksPerDirection
            || direction.bufferedBytes + packet.payload.count > maxBufferedBytesPerDirection
        {
            let drop = Drop(reason: .limit(chunks: Self.maxHeldChunksPerDirection, bytes: maxBufferedBytesPerDirection), chunks: direction.held.count + 1, bytes: direction.bufferedBytes + packet.payload.count)
            direction.held.removeAll()
            direction.bufferedBytes = 0
            direction.oldestArrival = .max
            try body(.dropped(flow, drop))
            return
        }
        direction.held[position] = Fragment(info: info, bytes: [UInt8](packet.payload), arrival: timestamp)
        direction.bufferedBytes += packet.payload.count
        direction.oldestArrival = min(direction.oldestArrival, timestamp)
        try complete(&direction, flow: flow, around: position, body)
    }

    /// Reports and forgets every fragment still held (end of the capture).
    public mutating func flush(_ body: (Event) throws -> Void) rethrows {
        for (flow, direction) in directions.sorted(by: { $0.value.order < $1.value.order }) where !direction.held.isEmpty {
            try body(.dropped(flow, Self.incomplete(direction.held)))
        }
        directions.removeAll()
    }

    // MARK: - Assembly

    private static func wasDelivered(_ position: Position, in direction: Direction) -> Bool {
        direction.delivered.contains { $0.group == position.group && position.index &- $0.first < $0.count }
    }

    /// Delivers the message `position` belongs to if all its fragments are held.
    private mutating func complete(_ direction: inout Direction, flow: FlowKey, around position: Position, _ body: (Event) throws -> Void) rethrows {
        let limit = direction.held.count
        var first = position.index
        var steps = 0
        while let fragment = direction.held[Position(group: position.group, index: first)], !fragment.info.beginning {
            first &-= 1
            steps += 1
            if steps > limit { return }
        }
        guard direction.held[Position(group: position.group, index: first)] != nil else { return }
        var last = position.index
        while let fragment = direction.held[Position(group: position.group, index: last)], !fragment.info.ending {
            last &+= 1
            steps += 1
            if steps > limit { return }
        }
        guard direction.held[Position(group: position.group, index: last)] != nil else { return }
        // first ... last: a B fragment, fragments without B, an E fragment; all of one message?
        let count = last &- first &+ 1
        var fragments: [Fragment] = []
        fragments.reserveCapacity(Int(count))
        var index = first
        for _ in 0..<count {
            if let fragment = direction.held.removeValue(forKey: Position(group: position.group, index: index)) {
                fragments.append(fragment)
                direction.bufferedBytes -= fragment.bytes.count
            }
            index &+= 1
        }
        if direction.held.isEmpty { direction.oldestArrival = .max }
        let head = fragments[0].info
        let consistent = fragments.indices.allSatisfy { offset in
            let info = fragments[offset].info
            // An unordered DATA chunk's stream sequence number is not read (RFC 4960 §3.3.1).
            let sameNumber = head.unordered && !head.interleaved || info.messageNumber == head.messageNumber
            return info.streamIdentifier == head.streamIdentifier && sameNumber
                && info.unordered == head.unordered && info.beginning == (offset == 0)
                && info.ending == (offset == fragments.count - 1)
        }
        guard consistent else {
            try body(.dropped(flow, Drop(reason: .inconsistent, chunks: fragments.count, bytes: fragments.reduce(0) { $0 + $1.bytes.count })))
            return
        }
        if direction.delivered.count < Self.deliveredMemory {
            direction.delivered.append((position.group, first, count))
        } else {
            direction.delivered[direction.deliveredNext] = (position.group, first, count)
        }
        direction.deliveredNext = (direction.deliveredNext + 1) % Self.deliveredMemory
        scratch.removeAll(keepingCapacity: true)
        for fragment in fragments { scratch.append(contentsOf: fragment.bytes) }
        try scratch.withUnsafeBytes { try body(.message(flow, $0)) }
    }

    /// At most once per tenth of the timeout: reports and drops the fragments held longer than
    /// the timeout, and forgets directions with nothing held that were quiet that long.
    private mutating func sweep(now: Int64, _ body: (Event) throws -> Void) rethrows {
        let (sinceSweep, overflow) = now.subtractingReportingOverflow(lastSweep)
        guard overflow || sinceSweep >= max(1, timeoutNanoseconds / 10) else { return }
        lastSweep = now
        func older(_ time: Int64) -> Bool {
            let (age, overflow) = now.subtractingReportingOverflow(time)
            return !overflow && age > timeoutNanoseconds
        }
        for flow in directions.sorted(by: { $0.value.order < $1.value.order }).map(\.key) {
            guard var direction = directions.removeValue(forKey: flow) else { continue }
            if !direction.held.isEmpty, older(direction.oldestArrival) {
                try expire(&direction, flow: flow, before: now &- timeoutNanoseconds, body)
            }
            if !direction.held.isEmpty || !older(direction.lastSeen) { directions[flow] = direction }
        }
    }

    /// Reports and drops the fragments of `direction` that came before `limit`.
    private func expire(_ direction: inout Direction, flow: FlowKey, before limit: Int64, _ body: (Event) throws -> Void) rethrows {
        let stale = direction.held.filter { $0.value.arrival < limit }
        for position in stale.keys { direction.held[position] = nil }
        direction.bufferedBytes -= stale.values.reduce(0) { $0 + $1.bytes.count }
        direction.oldestArrival = direction.held.values.map(\.arrival).min() ?? .max
        if !stale.isEmpty { try body(.dropped(flow, Self.incomplete(stale))) }
    }

    /// The drop of fragments that never completed, naming the first hole found: the fragment
    /// after one without E, or before one without B, that is not held.
    private static func incomplete(_ held: [Position: Fragment]) -> Drop {
        var missing: UInt32?
        var interleaved = false
        for (position, fragment) in held.sorted(by: { $0.key.index < $1.key.index }) {
            if !fragment.info.ending, held[Position(group: position.group, index: position.index &+ 1)] == nil {
                missing = position.index &+ 1
            } else if !fragment.info.beginning, held[Position(group: position.group, index: position.index &- 1)] == nil {
                missing = position.index &- 1
            }
            if missing != nil {
                interleaved = position.group.interleaved
                break
            }
        }
        let bytes = held.values.reduce(0) { $0 + $1.bytes.count }
        return Drop(reason: .incomplete(missing: missing, interleaved: interleaved), chunks: held.count, bytes: bytes)
    }
}
