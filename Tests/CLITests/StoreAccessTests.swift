import Foundation
import Testing
import TestSupport

/// The database on a read-only share (README "The store"): reading commands open it read-only
/// (immutable where the directory cannot be written, since WAL needs a `-shm` file beside it);
/// `import` says the directory is read-only; a failed import leaves no empty database.
@Suite struct StoreAccessTests {
    let directory = TemporaryDirectory("callscope-access")

    /// Whether this process may make a mount namespace with a tmpfs it remounts read-only: the
    /// one kind of read-only directory root cannot write to (chmod does not stop root).
    static let readOnlyMountAvailable: Bool = {
        (try? ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/unshare"), ["-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt && mount -o remount,ro /mnt"]))?.status == 0
    }()

    @Test(.enabled(if: readOnlyMountAvailable, "needs root and `unshare -m` to mount a real read-only tmpfs"))
    func readOnlyShareIsReadAndImportSaysWhy() throws {
        let database = directory.file("calls.sqlite")
        let first = try CLI.run(["import", "--db", database, "cdr-samples/asterisk-master.csv", "--timezone", "UTC"])
        #expect(first.status == 0, "\(first.stderr)")
        let expected = try CLI.run(["calls", "--db", database, "-f", "csv", "-q"])
        #expect(expected.status == 0)
        let share = directory.file("share")
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        let binary = CLI.binary.path
        // In a mount namespace of its own: a tmpfs holding a copy of the database, remounted
        // read-only, then every command run on it; the markers split the outputs.
        let script = """
            set -u
            mount -t tmpfs tmpfs '\(share)' || exit 90
            cp '\(database)' '\(share)/calls.sqlite' || exit 91
            mount -o remount,ro '\(share)' || exit 92
            touch '\(share)/probe' 2>/dev/null && exit 93
            echo '== calls'; '\(binary)' calls --db '\(share)/calls.sqlite' -f csv -q; echo "== status $?"
            echo '== stats'; '\(binary)' db stats --db '\(share)/calls.sqlite' 2>&1; echo "== status $?"
            echo '== import'; '\(binary)' import --db '\(share)/calls.sqlite' cdr-samples/freeswitch-master.csv 2>&1; echo "== status $?"
            echo '== new'; '\(binary)' import --db '\(share)/new.sqlite' cdr-samples/freeswitch-master.csv 2>&1; echo "== status $?"
            ls '\(share)'
            """
        let run = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/unshare"), ["-m", "sh", "-c", script], in: TestPaths.root)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let sections = run.stdout.components(separatedBy: "== ")
        let calls = try #require(sections.first { $0.hasPrefix("calls\n") })
        #expect(calls == "calls\n" + expected.stdout, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("== status 0\n== stats"))
        #expect(run.stdout.contains("== status 0\n== import"), "db stats: \(run.stdout)")
        let importSection = try #require(sections.first { $0.hasPrefix("import\n") })
        #expect(importSection.contains("the directory \(share) is read-only"), "\(importSection)")
        let newSection = try #require(sections.first { $0.hasPrefix("new\n") })
        #expect(newSection.contains("new.sqlite: the directory \(share) is read-only"), "\(newSection)")
        #expect(!run.stdout.contains("== status 0\n== new"), "import into a read-only directory must fail")
        // Nothing was written on the share: the database alone, no -wal or -shm.
        #expect(run.stdout.hasSuffix("status 1\ncalls.sqlite\n"), "\(run.stdout)")
    }

    /// A reading command on a database in a writable directory opens it read-only and leaves
    /// it as it was: same bytes after `calls` and `report`.
    @Test func readingLeavesTheFileAlone() throws {
        let database = directory.file("calls.sqlite")
        #expect(try CLI.run(["import", "--db", database, "cdr-samples/asterisk-master.csv", "--timezone", "UTC", "-q"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let calls = try CLI.run(["calls", "--db", database])
        #expect(calls.status == 0)
        // The summary says what was read: stored calls, not "0 packets, 0 SIP messages".
        #expect(calls.stderr.hasSuffix("callscope: 0 inputs, 13 stored calls, 13 calls, 0 errors\n"), "\(calls.stderr)")
        #expect(try CLI.run(["report", "--db", database, "-q"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    }

    /// `import` of a file that does not exist: one error naming it, exit status 1, and no
    /// database created.
    @Test func failedImportLeavesNoDatabase() throws {
        let database = directory.file("new.sqlite")
        let result = try CLI.run(["import", "--db", database, "cdr-samples/no-such-export.csv"])
        #expect(result.status == 1)
        #expect(result.stderr.components(separatedBy: "no-such-export.csv").count - 1 == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))
        // A missing capture the same way.
        let capture = try CLI.run(["import", "--db", database, "captures/no-such.pcap"])
        #expect(capture.status == 1)
        #expect(capture.stderr.components(separatedBy: "no-such.pcap").count - 1 == 1, "\(capture.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }
}
