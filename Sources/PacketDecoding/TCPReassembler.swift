/// Rebuilds the byte stream of each TCP direction from captured segments, for
/// stream protocols such as SIP over TCP (RFC 3261 §18.3 framing happens downstream).
///
/// Per direction (a directional ``FlowKey``) it tracks the next expected sequence
/// number (RFC 9293 §3.4, modulo-2³² comparisons) and delivers only new, in-order
/// bytes: retransmitted and overlapping bytes are trimmed, out-of-order segments are
/// copied and held until the hole before them is filled. A hole that is never filled
/// is skipped with a ``Event/gap(_:missingBytes:)`` event when a direction buffers more
/// than `maxBufferedBytesPerDirection` or holds more than 1024 segments, when the flow
/// is idle for `idleTimeoutNanoseconds`, or on ``flush(_:)``. A stream joined
/// mid-connection (no SYN seen) starts at the first segment seen; earlier bytes
/// arriving later are treated as retransmissions. A FIN ends the direction with
/// ``Event/closed(_:)`` once every byte before it was delivered; a RST closes both
/// directions at once, but only when its sequence number lies within a window of the
/// next expected one (RFC 5961 §3: a blind, out-of-window RST is ignored). New in-order
/// bytes on a direction closed by FIN or RST reopen it rather than being dropped. A SYN
/// with a new initial sequence number on a known flow (port reuse) closes the old
/// stream and starts a new one.
///
/// In-order segments are delivered straight from the packet (no copy); only held
/// segments own memory (gopacket's `reassembly` package works the same way).
public struct TCPReassembler: Sendable {
    /// What the reassembler reports for a direction.
    public enum Event {
        /// New in-order bytes of the flow's direction; valid only during the callback.
        case data(FlowKey, UnsafeRawBufferPointer)
        /// Bytes that never arrived and were skipped; the next data follows the hole.
        case gap(FlowKey, missingBytes: Int)
        /// The direction ended (FIN reached, RST, idle timeout or flush). Sent once per stream.
        case closed(FlowKey)
    }

    private struct Segment: Sendable {
        var sequence: UInt32
        var bytes: [UInt8]
    }

    private struct Direction: Sendable {
        var order: Int
        var nextSequence: UInt32?
        var initialSequence: UInt32?
        var finSequence: UInt32?
        /// Held segments sorted by sequence; `pending[..<pendingStart]` were already drained.
        var pending: [Segment] = []
        var pendingStart = 0
        var bufferedBytes = 0
        var closed = false
        var lastSeen: Int64
    }

    /// Out-of-order segments held per direction before the oldest hole is skipped; bounds
    /// the work per held segment whatever the segment sizes.
    static let maxHeldSegmentsPerDirection = 1024
    /// The smallest window, in bytes around the next expected sequence number, in which a RST is accepted.
    static let minimumResetWindow: Int64 = 65535

    public let maxBufferedBytesPerDirection: Int
    public let idleTimeoutNanoseconds: Int64
    private var directions: [FlowKey: Direction] = [:]
    private var nextOrder = 0
    private var lastSweep: Int64 = .min

    /// - Parameters:
    ///   - maxBufferedBytesPerDirection: out-of-order bytes held per direction before the oldest hole is skipped.
    ///   - idleTimeoutNanoseconds: a direction not seen for this long is flushed and forgotten
    ///     (checked as timestamps advance; default 5 minutes).
    public init(maxBufferedBytesPerDirection: Int = 1 << 20, idleTimeoutNanoseconds: Int64 = 300_000_000_000) {
        self.maxBufferedBytesPerDirection = max(0, maxBufferedBytesPerDirection)
        self.idleTimeoutNanoseconds = idleTimeoutNanoseconds
    }

    /// How many directions are being tracked (closed ones are kept until idle, to ignore late retransmissions).
    public var trackedDirections: Int { directions.count }

    /// Feeds one TCP packet; delivers the newly in-order bytes of its direction.
    /// Packets that are not TCP (``TransportPacket/tcp`` is `nil`) are ignored.
    /// - Complexity: amortised O(1) for in-order segments; O(h) for h held segments otherwise
    ///   (h is at most 1024).
    public mutating func add(
        _ packet: TransportPacket, timestamp: Int64, _ body: (Event) throws -> Void
    ) rethrows {
        guard let segment = packet.tcp else { return }
        try expireIdle(now: timestamp, body)
        let flow = packet.flow

        if segment.rst {
            guard acceptsReset(segment, flow) else { return }
            for key in [flow, flow.reversed] {
                guard var direction = directions.removeValue(forKey: key) else { continue }
                try finish(&direction, key, body)
                direction.lastSeen = timestamp
                directions[key] = direction
            }
            return
        }

        var direction: Direction
        if let existing = directions.removeValue(forKey: flow) {
            direction = existing
            let reused = direction.closed || direction.initialSequence.map { $0 != segment.sequence } ?? false
            if segment.syn, reused {
                // A new connection on the same ports.
                try finish(&direction, flow, body)
                direction = newDirection(timestamp)
            }
        } else {
            direction = newDirection(timestamp)
        }
        direction.lastSeen = timestamp
        defer { directions[flow] = direction }

        var start = segment.sequence
        if direction.closed {
            // Closed by FIN or RST (possibly a forged one): only new in-order bytes reopen it;
            // retransmissions and anything else stay ignored.
            guard let next = direction.nextSequence else { return }
            let offset = Int(Int32(bitPattern: start &- next))
            guard offset <= 0, -offset < packet.payload.count else { return }
            direction.closed = false
            direction.finSequence = nil
        }
        if segment.syn {
            direction.initialSequence = segment.sequence
            start = segment.sequence &+ 1
            if direction.nextSequence == nil { direction.nextSequence = start }
        }
        let expected = direction.nextSequence ?? start
        if direction.nextSequence == nil { direction.nextSequence = start }
        if segment.fin {
            direction.finSequence = start &+ UInt32(truncatingIfNeeded: packet.payload.count)
        }

        let payload = packet.payload
        if !payload.isEmpty {
            let offset = Int(Int32(bitPattern: start &- expected))
            if offset <= 0 {
                // In order, or overlapping what was delivered: trim the old part.
                let skip = -offset
                if skip < payload.count {
                    let fresh = UnsafeRawBufferPointer(rebasing: payload[skip...])
                    direction.nextSequence = expected &+ UInt32(truncatingIfNeeded: fresh.count)
                    try body(.data(flow, fresh))
                    try drain(&direction, flow, body)
                }
            } else {
                hold(&direction, Segment(sequence: start, bytes: Array(payload)))
                while direction.bufferedBytes > maxBufferedBytesPerDirection
                    || direction.pending.count - direction.pendingStart > Self.maxHeldSegmentsPerDirection,
                    direction.pendingStart < direction.pending.count
                {
                    try skipHole(&direction, flow, body)
                }
            }
        }
        try closeIfFinished(&direction, flow, body)
    }

    /// End of input: delivers what is held (with gaps), closes every open direction and forgets all flows.
    /// Directions are finished in the order they were first seen.
    public mutating func flush(_ body: (Event) throws -> Void) rethrows {
        let all = directions.sorted { $0.value.order < $1.value.order }
        directions.removeAll()
        for (key, value) in all {
            var direction = value
            try finish(&direction, key, body)
        }
    }

    // MARK: - Internals

    private mutating func newDirection(_ timestamp: Int64) -> Direction {
        nextOrder += 1
        return Direction(order: nextOrder, lastSeen: timestamp)
    }

    /// Whether a RST belongs to the connection: its sequence number must lie within the
    /// window of the sender's next expected byte (RFC 5961 §3.2). When the sender's side
    /// was never seen, an acknowledgment is checked against the other side instead; with
    /// nothing to check against, the RST is accepted.
    private func acceptsReset(_ segment: TCPSegmentInfo, _ flow: FlowKey) -> Bool {
        func within(_ sequence: UInt32, _ direction: Direction) -> Bool? {
            guard let next = direction.nextSequence else { return nil }
            let distance = abs(Int64(Int32(bitPattern: sequence &- next)))
            return distance <= max(Self.minimumResetWindow, Int64(heldExtent(direction)))
        }
        if let sender = directions[flow], let verdict = within(segment.sequence, sender) { return verdict }
        if segment.ack, let receiver = directions[flow.reversed],
            let verdict = within(segment.acknowledgment, receiver)
        {
            return verdict
        }
        return true
    }

    /// How far past the next expected byte the held segments reach.
    private func heldExtent(_ direction: Direction) -> Int {
        guard let next = direction.nextSequence, let last = direction.pending.last,
            direction.pendingStart < direction.pending.count
        else { return 0 }
        return max(0, Int(Int32(bitPattern: last.sequence &- next)) + last.bytes.count)
    }

    /// Inserts a held segment, sorted by its distance from the next expected byte.
    /// - Complexity: O(log h) to find the place, plus moving the segments after it.
    private func hold(_ direction: inout Direction, _ segment: Segment) {
        let base = direction.nextSequence ?? segment.sequence
        let distance = { (s: Segment) in Int64(Int32(bitPattern: s.sequence &- base)) }
        let key = distance(segment)
        // First index whose distance is greater than the key (stable: equal keys stay in arrival order).
        var low = direction.pendingStart
        var high = direction.pending.count
        while low < high {
            let middle = (low + high) / 2
            if distance(direction.pending[middle]) > key { high = middle } else { low = middle + 1 }
        }
        if low > direction.pendingStart {
            let previous = direction.pending[low - 1]
            if distance(previous) == key, previous.bytes.count >= segment.bytes.count { return }  // duplicate
        }
        direction.bufferedBytes += segment.bytes.count
        direction.pending.insert(segment, at: low)
    }

    /// Delivers held segments that became in order; drained segments are removed in one step at the end.
    private func drain(_ direction: inout Direction, _ flow: FlowKey, _ body: (Event) throws -> Void) rethrows {
        defer { compactPending(&direction) }
        while direction.pendingStart < direction.pending.count, let expected = direction.nextSequence {
            let first = direction.pending[direction.pendingStart]
            let offset = Int(Int32(bitPattern: first.sequence &- expected))
            if offset > 0 { return }
            direction.pendingStart += 1
            direction.bufferedBytes -= first.bytes.count
            let skip = -offset
            if skip < first.bytes.count {
                direction.nextSequence = expected &+ UInt32(truncatingIfNeeded: first.bytes.count - skip)
                try first.bytes.withUnsafeBytes { bytes in
                    try body(.data(flow, UnsafeRawBufferPointer(rebasing: bytes[skip...])))
                }
            }
        }
    }

    /// Drops the drained prefix of the held segments.
    private func compactPending(_ direction: inout Direction) {
        guard direction.pendingStart > 0 else { return }
        if direction.pendingStart == direction.pending.count {
            direction.pending.removeAll(keepingCapacity: true)
        } else {
            direction.pending.removeFirst(direction.pendingStart)
        }
        direction.pendingStart = 0
    }

    /// Skips the hole before the first held segment and delivers what follows it.
    private func skipHole(_ direction: inout Direction, _ flow: FlowKey, _ body: (Event) throws -> Void) rethrows {
        guard direction.pendingStart < direction.pending.count else { return }
        let first = direction.pending[direction.pendingStart]
        if let expected = direction.nextSequence {
            let missing = Int(Int32(bitPattern: first.sequence &- expected))
            if missing > 0 { try body(.gap(flow, missingBytes: missing)) }
        }
        direction.nextSequence = first.sequence
        try drain(&direction, flow, body)
    }

    private func closeIfFinished(_ direction: inout Direction, _ flow: FlowKey, _ body: (Event) throws -> Void) rethrows {
        guard !direction.closed, let fin = direction.finSequence, let next = direction.nextSequence else { return }
        if Int32(bitPattern: fin &- next) <= 0 {
            direction.closed = true
            direction.pending.removeAll()
            direction.pendingStart = 0
            direction.bufferedBytes = 0
            try body(.closed(flow))
        }
    }

    /// Delivers everything held, skipping holes, and closes the direction.
    private func finish(_ direction: inout Direction, _ flow: FlowKey, _ body: (Event) throws -> Void) rethrows {
        guard !direction.closed else { return }
        while direction.pendingStart < direction.pending.count { try skipHole(&direction, flow, body) }
        if let fin = direction.finSequence, let next = direction.nextSequence {
            let missing = Int(Int32(bitPattern: fin &- next))
            if missing > 0 {
                try body(.gap(flow, missingBytes: missing))
                direction.nextSequence = fin
            }
        }
        direction.closed = true
        try body(.closed(flow))
    }

    private mutating func expireIdle(now: Int64, _ body: (Event) throws -> Void) rethrows {
        // Sweep at most once per tenth of the timeout.
        let interval = max(1, idleTimeoutNanoseconds / 10)
        let (sinceSweep, overflow) = now.subtractingReportingOverflow(lastSweep)
        guard overflow || sinceSweep >= interval else { return }
        lastSweep = now
        let idle = directions.filter { entry in
            let (age, ageOverflow) = now.subtractingReportingOverflow(entry.value.lastSeen)
            return !ageOverflow && age > idleTimeoutNanoseconds
        }.sorted { $0.value.order < $1.value.order }
        for (key, value) in idle {
            directions.removeValue(forKey: key)
            var direction = value
            try finish(&direction, key, body)
        }
    }
}
