/// Identifies the fragments of one datagram: RFC 791 §3.2 (source, destination,
/// protocol, identification) and RFC 8200 §4.5 (source, destination, identification;
/// the protocol is the fragment header's next header).
struct FragmentKey: Hashable, Sendable {
    var source: IPAddress
    var destination: IPAddress
    var identification: UInt32
    var proto: UInt8
}

/// Collects IPv4 and IPv6 fragments until their datagram is complete.
///
/// Fragments may come in any order, duplicated or overlapping (overlapping bytes:
/// the later fragment wins). A datagram is complete when the last fragment (no "more
/// fragments" flag) fixed its length and the received ranges cover it without hole.
/// Incomplete datagrams are dropped after the timeout or when too many are pending.
struct FragmentReassembler: Sendable {
    private struct Group: Sendable {
        var buffer: [UInt8] = []
        /// Received byte ranges, sorted and merged.
        var ranges: [Range<Int>] = []
        /// Known once the last fragment arrived.
        var totalLength: Int?
        var firstSeen: Int64

        mutating func insert(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            var merged = range
            var result: [Range<Int>] = []
            result.reserveCapacity(ranges.count + 1)
            var placed = false
            for existing in ranges {
                if existing.upperBound < merged.lowerBound {
                    result.append(existing)
                } else if merged.upperBound < existing.lowerBound {
                    if !placed {
                        result.append(merged)
                        placed = true
                    }
                    result.append(existing)
                } else {
                    merged = min(existing.lowerBound, merged.lowerBound)..<max(existing.upperBound, merged.upperBound)
                }
            }
            if !placed { result.append(merged) }
            ranges = result
        }

        var isComplete: Bool {
            guard let totalLength else { return false }
            if totalLength == 0 { return true }
            return ranges.count == 1 && ranges[0].lowerBound == 0 && ranges[0].upperBound >= totalLength
        }
    }

    private let timeout: Int64
    private let maxGroups: Int
    private let maxSize: Int
    private var groups: [FragmentKey: Group] = [:]
    private var oldest: Int64 = .max
    private(set) var droppedGroups = 0

    init(configuration: PacketDecoder.Configuration) {
        timeout = configuration.fragmentTimeoutNanoseconds
        maxGroups = max(1, configuration.maxPendingFragmentGroups)
        maxSize = configuration.maxReassembledSize
    }

    var pendingGroups: Int { groups.count }

    /// Adds one fragment's data at byte `offset`; returns the whole datagram payload
    /// when this fragment completes it.
    mutating func add(
        key: FragmentKey, offset: Int, moreFragments: Bool, data: UnsafeRawBufferPointer, timestamp: Int64
    ) throws -> [UInt8]? {
        expire(now: timestamp)
        let end = offset + data.count
        guard end <= maxSize else {
            if groups.removeValue(forKey: key) != nil { droppedGroups += 1 }
            throw PacketDecodingError.malformed("reassembled IP datagram larger than the limit, fragment ends at byte", end)
        }
        var group: Group
        if let existing = groups.removeValue(forKey: key) {
            group = existing
        } else {
            if groups.count >= maxGroups { evictOldest() }
            group = Group(firstSeen: timestamp)
            oldest = min(oldest, timestamp)
        }
        if !moreFragments {
            if let known = group.totalLength, known != end {
                droppedGroups += 1
                throw PacketDecodingError.malformed("IP fragments disagree on the datagram length", end)
            }
            group.totalLength = end
        }
        if let known = group.totalLength, end > known {
            droppedGroups += 1
            throw PacketDecodingError.malformed("IP fragment beyond the end of its datagram, ending at byte", end)
        }
        if group.buffer.count < end {
            group.buffer.append(contentsOf: repeatElement(0, count: end - group.buffer.count))
        }
        if !data.isEmpty {
            group.buffer.withUnsafeMutableBytes { buffer in
                UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<end]).copyMemory(from: data)
            }
            group.insert(offset..<end)
        }
        if group.isComplete, let total = group.totalLength {
            if group.buffer.count > total { group.buffer.removeLast(group.buffer.count - total) }
            return group.buffer
        }
        groups[key] = group
        return nil
    }

    private mutating func expire(now: Int64) {
        guard !groups.isEmpty else {
            oldest = .max
            return
        }
        let (age, overflow) = now.subtractingReportingOverflow(oldest)
        guard !overflow, age > timeout else { return }
        var newOldest = Int64.max
        for (key, group) in groups {
            let (groupAge, groupOverflow) = now.subtractingReportingOverflow(group.firstSeen)
            if !groupOverflow, groupAge > timeout {
                groups.removeValue(forKey: key)
                droppedGroups += 1
            } else {
                newOldest = min(newOldest, group.firstSeen)
            }
        }
        oldest = newOldest
    }

    private mutating func evictOldest() {
        guard let victim = groups.min(by: { $0.value.firstSeen < $1.value.firstSeen }) else { return }
        groups.removeValue(forKey: victim.key)
        droppedGroups += 1
        oldest = groups.values.lazy.map(\.firstSeen).min() ?? .max
    }
}
