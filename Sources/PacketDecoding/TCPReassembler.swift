/// Rebuilds the byte stream of each TCP direction from captured segments, for
/// stream protocols such as SIP over TCP (RFC 3261 §18.3 framing happens downstream).
///
/// Per direction (a directional ``FlowKey``) it tracks the next expected sequence
/// number (RFC 9293 §3.4, modulo-2³² comparisons) and delivers only new, in-order
/// bytes: retransmitted and overlapping bytes are trimmed, out-of-order segments are
/// copied and held until the hole before them is filled. A hole that is never filled
/// is skipped with a ``Event/gap(_:missingBytes:)`` event when a direction buffers more
/// than `maxBufferedBytesPerDirection`, when the flow is idle for
/// `idleTimeoutNanoseconds`, or on ``flush(_:)``. A stream joined mid-connection (no
/// SYN seen) starts at the first segment seen; earlier bytes arriving later are
/// treated as retransmissions. A FIN ends the direction with ``Event/closed(_:)`` once
/// every byte before it was delivered; a RST closes both directions at once. A SYN
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
        var pending: [Segment] = []
        var bufferedBytes = 0
        var closed = false
        var lastSeen: Int64
    }

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
    /// - Complexity: amortised O(1) for in-order segments; O(h) for h held segments otherwise.
    public mutating func add(
        _ packet: TransportPacket, timestamp: Int64, _ body: (Event) throws -> Void
    ) rethrows {
        guard let segment = packet.tcp else { return }
        try expireIdle(now: timestamp, body)
        let flow = packet.flow

        if segment.rst {
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
        if direction.closed { return }

        var start = segment.sequence
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
                while direction.bufferedBytes > maxBufferedBytesPerDirection, !direction.pending.isEmpty {
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

    /// Inserts a held segment, sorted by its distance from the next expected byte.
    private func hold(_ direction: inout Direction, _ segment: Segment) {
        let base = direction.nextSequence ?? segment.sequence
        let distance = { (s: Segment) in Int64(Int32(bitPattern: s.sequence &- base)) }
        let key = distance(segment)
        var index = direction.pending.count
        while index > 0, distance(direction.pending[index - 1]) > key { index -= 1 }
        if index > 0 {
            let previous = direction.pending[index - 1]
            if distance(previous) == key, previous.bytes.count >= segment.bytes.count { return }  // duplicate
        }
        direction.bufferedBytes += segment.bytes.count
        direction.pending.insert(segment, at: index)
    }

    /// Delivers held segments that became in order.
    private func drain(_ direction: inout Direction, _ flow: FlowKey, _ body: (Event) throws -> Void) rethrows {
        while let first = direction.pending.first, let expected = direction.nextSequence {
            let offset = Int(Int32(bitPattern: first.sequence &- expected))
            if offset > 0 { return }
            direction.pending.removeFirst()
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

    /// Skips the hole before the first held segment and delivers what follows it.
    private func skipHole(_ direction: inout Direction, _ flow: FlowKey, _ body: (Event) throws -> Void) rethrows {
        guard let first = direction.pending.first else { return }
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
            direction.bufferedBytes = 0
            try body(.closed(flow))
        }
    }

    /// Delivers everything held, skipping holes, and closes the direction.
    private func finish(_ direction: inout Direction, _ flow: FlowKey, _ body: (Event) throws -> Void) rethrows {
        guard !direction.closed else { return }
        while !direction.pending.isEmpty { try skipHole(&direction, flow, body) }
        if let fin = direction.finSequence, let next = direction.nextSequence {
            let missing = Int(Int32(bitPattern: fin &- next))
            if missing > 0 { try body(.gap(flow, missingBytes: missing)) }
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
