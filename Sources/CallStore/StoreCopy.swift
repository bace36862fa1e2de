import CallModel

/// Copies every call of one store into another (`callscope db copy`, docs/clickhouse.md "From
/// SQLite to ClickHouse"): SQLite to ClickHouse when a site outgrows one machine, or back.
///
/// The calls are read one UTC day at a time (legs and SIP messages included) and each day is
/// stored like one imported file, under a ledger entry `copy:<source>:<day>` whose hash is that
/// of the day's natural keys and content hashes. So the destination's rules apply unchanged: a
/// day copied before with the same calls is `already imported`, a day whose calls changed in the
/// source since (a later import completed or enriched them) is stored again through the natural
/// keys (new, updated, unchanged), and no call is ever stored twice.
public struct StoreCopy: Sendable {
    /// What a copy did, summed over the days.
    public struct Summary: Sendable, Hashable {
        /// Days with calls, and of those the ones the destination already had as they are.
        public var days = 0
        public var alreadyCopied = 0
        public var counts = ImportCounts()
        /// Calls read from the source.
        public var calls = 0
    }

    static let day: Int64 = 86_400_000_000_000

    public init() {}

    /// Copies the calls of `source` into `destination`, calling `progress` after each day.
    /// - Complexity: O(N) calls read and written, one day in memory at a time.
    public func copy(from source: any CallStoring, to destination: any CallStoring,
                     progress: (Timestamp, ImportOutcome) -> Void = { _, _ in }) throws(StoreError) -> Summary {
        var summary = Summary()
        let stats = try source.stats(lastImports: 0)
        guard let first = stats.firstStart, let last = stats.lastStart else { return summary }
        var day = Self.floorDay(first.nanoseconds)
        let lastDay = Self.floorDay(last.nanoseconds)
        while day <= lastDay {
            let from = Timestamp(nanoseconds: day * Self.day)
            let (to, overflow) = from.nanoseconds.addingReportingOverflow(Self.day)
            let calls = try source.calls(from: from, to: overflow ? nil : Timestamp(nanoseconds: to), legs: true, messages: true)
            day += 1
            guard !calls.isEmpty else { continue }
            summary.days += 1
            summary.calls += calls.count
            let identity = Self.identity(of: calls, day: from, source: source.location)
            let outcome = try destination.importFile(identity, calls: calls, rows: calls.count, badRows: 0)
            switch outcome {
            case .imported(_, let counts), .completed(_, _, let counts):
                summary.counts.inserted += counts.inserted; summary.counts.updated += counts.updated
                summary.counts.unchanged += counts.unchanged; summary.counts.pruned += counts.pruned
            case .alreadyImported:
                summary.alreadyCopied += 1
                summary.counts.unchanged += calls.count
            }
            progress(from, outcome)
        }
        return summary
    }

    /// The ledger entry of one day: `copy:<source>:<YYYY-MM-DD>`, the hash of its calls' keys and contents.
    static func identity(of calls: [Call], day: Timestamp, source: String) -> FileIdentity {
        var hasher = SHA256()
        var bytes: [UInt8] = []
        for call in calls {
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: CallRow.naturalKey(call).utf8)
            bytes.append(0xFF)
            var hash = UInt64(bitPattern: ContentHash.of(call, media: MediaJSON.encode(call.media)))
            for _ in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: hash)); hash >>= 8 }
            bytes.withUnsafeBytes { hasher.update(buffer: $0) }
        }
        let name = "copy:\(source):\(day.iso8601.prefix(10))"
        return FileIdentity(path: name, size: 0, sha256: SHA256.hex(hasher.finalize()))
    }

    /// The UTC day of `ns`, rounded down (before 1970 too).
    static func floorDay(_ ns: Int64) -> Int64 {
        ns >= 0 ? ns / day : -((-(ns + 1)) / day) - 1
    }
}
