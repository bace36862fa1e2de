import Foundation

/// The public corpus, `shared/corpus` beside the package (`../shared/corpus` from the package
/// root, or higher up when the package is reached through a link). Tests that need it skip
/// themselves or fail with its path when it is absent; `REFERENCE.tsv` in each folder holds the
/// counts its authors computed with tshark (pcap) and reference.py (cdr).
public enum Corpus {
    /// `.../shared/corpus`, or nil when no folder above the package holds one.
    public static let root: URL? = {
        for start in [TestPaths.root, TestPaths.root.resolvingSymlinksInPath()] {
            var directory = start
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("shared/corpus")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("pcap/REFERENCE.tsv").path)
                    || FileManager.default.fileExists(atPath: candidate.appendingPathComponent("cdr/REFERENCE.tsv").path) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }()

    /// Where the corpus is, or would be: `../shared/corpus` when it is absent (so messages name it).
    static var location: URL { root ?? TestPaths.root.deletingLastPathComponent().appendingPathComponent("shared/corpus") }

    /// `shared/corpus/pcap`: public captures.
    public static var pcap: URL { location.appendingPathComponent("pcap") }
    /// `shared/corpus/cdr`: public CDR files.
    public static var cdr: URL { location.appendingPathComponent("cdr") }

    /// True when the CDR corpus is there (its `REFERENCE.tsv` exists).
    public static var hasCDR: Bool { FileManager.default.fileExists(atPath: cdr.appendingPathComponent("REFERENCE.tsv").path) }
    /// True when the capture corpus is there (its `REFERENCE.tsv` exists).
    public static var hasPcap: Bool { FileManager.default.fileExists(atPath: pcap.appendingPathComponent("REFERENCE.tsv").path) }

    /// Every capture (`.pcap`, `.pcapng`, `.cap`) under the package's `captures/` and the corpus's
    /// `pcap/`, sorted by path: the inputs of the tests that compare two paths on every capture.
    public static let sampleAndCorpusCaptures: [String] = {
        let extensions: Set = ["pcap", "pcapng", "cap"]
        var files: [String] = []
        for root in [TestPaths.captures, pcap] {
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where extensions.contains(url.pathExtension) { files.append(url.path) }
        }
        return files.sorted()
    }()

    /// The path of `shared/corpus/pcap/<name>`.
    public static func pcapFile(_ name: String) -> String { pcap.appendingPathComponent(name).path }
    /// The path of `shared/corpus/cdr/<name>`.
    public static func cdrFile(_ name: String) -> String { cdr.appendingPathComponent(name).path }
    /// The bytes of `shared/corpus/cdr/<name>`, or nil when it cannot be read.
    public static func cdrBytes(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: cdrFile(name)).map { [UInt8]($0) }
    }

    /// The rows of `REFERENCE.tsv` in `folder` (`Corpus.pcap` or `Corpus.cdr`), each as
    /// `column -> value` by the header line; empty when the file is absent. Rows whose cell
    /// count differs from the header's are left out.
    public static func reference(in folder: URL) -> [[String: String]] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("REFERENCE.tsv"), encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().filter { $0.count == header.count }.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
