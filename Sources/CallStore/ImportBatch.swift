import CallModel
import Foundation

/// The files of one `import` run and how their calls are tied to them in the file ledger
/// (docs/store.md "files", README "import").
///
/// Calls carry the name of the file they came from (`Call.source`), not its path, so two files
/// of one run must not share a name. Each file is hashed before it is parsed: a file that grows
/// meanwhile is recorded with its older content and imported again next time (natural keys keep
/// that free of duplicates).
public struct ImportBatch: Sendable {
    /// The files, in the order they are stored.
    public let files: [String]
    private var identities: [String: FileIdentity] = [:]

    /// A batch of `files` (paths as given, directories already expanded).
    public init(files: [String]) {
        self.files = files
    }

    /// The name calls are tied by: the last path component.
    public static func name(of path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    /// A file name shared by two of `files`, if any (they must be imported in separate runs).
    public static func duplicateName(in files: [String]) -> String? {
        var seen: Set<String> = []
        return files.map(name(of:)).first { !seen.insert($0).inserted }
    }

    /// Hashes every file that exists now, before any is parsed. Files that cannot be read are
    /// hashed again at ``store(calls:rows:skipping:in:report:)`` time, where their error is reported.
    public mutating func hashFiles() {
        for file in files where FileManager.default.fileExists(atPath: file) {
            identities[file] = try? FileIdentity.of(path: file)
        }
    }

    /// Stores each file's calls in its own transaction (``CallStoring/importFile(_:calls:rows:badRows:)``), skipping
    /// `skipping` (inputs that could not be read or were not imported at all), and reports each
    /// file's outcome or error as it goes. One file's failure does not stop the others.
    /// - Parameters:
    ///   - calls: every call of the run; a file's calls are those whose `source` is its name.
    ///   - rows: records and bad records read per file; a file missing here counts its calls' packets.
    /// - Returns: whether every file was stored.
    @discardableResult
    public func store(
        calls: [Call], rows: [String: (rows: Int, badRows: Int)], skipping: Set<String>, in database: any CallStoring,
        report: (String, Result<ImportOutcome, StoreError>) -> Void
    ) -> Bool {
        let callsByName = Dictionary(grouping: calls, by: \.source)
        var stored = true
        for file in files where !skipping.contains(file) {
            do throws(StoreError) {
                let identity: FileIdentity
                if let known = identities[file] { identity = known } else { identity = try FileIdentity.of(path: file) }
                let fileCalls = callsByName[Self.name(of: file)] ?? []
                let counts = rows[file] ?? (fileCalls.reduce(0) { $0 + $1.packets }, 0)
                report(file, .success(try database.importFile(identity, calls: fileCalls, rows: counts.rows, badRows: counts.badRows)))
            } catch {
                stored = false
                report(file, .failure(error))
            }
        }
        return stored
    }
}
