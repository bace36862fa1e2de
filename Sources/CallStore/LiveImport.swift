import CallModel

/// The store side of a live run (`callscope watch --db`): one ledger entry for the run, named
/// `watch:` and its sources (`watch:eth0,hep:127.0.0.1:9060`), under which each call is stored
/// the moment it is final. Calls are matched on their natural key as `import` matches them, so a
/// call seen twice (two runs over the same traffic, a capture of it imported later) is stored once.
public struct LiveImport: Sendable {
    /// The run's ledger entry: its size is 0 and its hash that of the sources and start time,
    /// so each run has an entry of its own and `db stats` lists it with its counts.
    public let file: FileIdentity

    public init(sources: [String], startedAt: Timestamp) {
        let name = "watch:" + sources.joined(separator: ",")
        file = FileIdentity(path: name, size: 0, sha256: SHA256.hex(of: Array("\(name)|\(startedAt.nanoseconds)".utf8)))
    }

    /// Stores `calls` (in one transaction); returns what became of them.
    public func store(_ calls: [Call], in database: any CallStoring) throws(StoreError) -> ImportOutcome {
        try database.importFile(file, calls: calls, rows: calls.count, badRows: 0)
    }
}
