import CDRImport
import Decompression
import Foundation

/// Which files are inputs: the paths given, with each directory replaced by the input files
/// in it and in its subdirectories (README "Input formats").
///
/// Why a rule of its own: a CDR folder or a capture archive also holds sidecars, mappings,
/// scripts and notes; reading them as CDR files would only produce diagnostics.
public enum InputDiscovery {
    /// How deep below a given directory files are looked for.
    public static let maximumDepth = 3

    /// Whether a file found in a directory is an input: captures (`.pcap`, `.pcapng`, `.cap`),
    /// CDR files (`.csv`, `.json`, `.sql`, `.log`, and names holding `queue_log` or starting
    /// `Master`), WAV recordings; hidden files and sidecars (`FILE.expected.*`) are not. Also
    /// tcpdump's rotated `NAME.pcapN` (`-C`), and any of these compressed (`.gz`, `.xz`, `.zst`).
    public static func isInputFileName(_ name: String) -> Bool {
        let lower = CompressionFormat.strippingSuffix(name.lowercased())
        if lower.hasPrefix(".") || lower.contains(".expected.") { return false }
        if [".csv", ".json", ".sql", ".log", ".wav"].contains(where: { lower.hasSuffix($0) }) || CDRImporter.hasCaptureName(lower) { return true }
        return lower.contains("queue_log") || lower.hasPrefix("master")
    }

    /// `inputs` with directories replaced by the input files in them and their subdirectories
    /// (sorted by path, hidden directories skipped, ``maximumDepth`` levels down). A directory
    /// with none is kept, to be reported as such; `-` (standard input) is kept.
    /// - Parameter recordings: whether WAV files found in directories are inputs (talk analysis
    ///   only; a WAV named directly is always kept, to be read or skipped with a warning).
    public static func expand(_ inputs: [String], recordings: Bool) -> [String] {
        inputs.flatMap { input -> [String] in
            guard input != "-", isDirectory(input) else { return [input] }
            let found = inputFiles(in: input, depth: maximumDepth).filter { recordings || !$0.lowercased().hasSuffix(".wav") }
            return found.isEmpty ? [input] : found
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func inputFiles(in directory: String, depth: Int) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return names.flatMap { name -> [String] in
            let path = base + name
            if isDirectory(path) { return depth > 0 && !name.hasPrefix(".") ? inputFiles(in: path, depth: depth - 1) : [] }
            return isInputFileName(name) ? [path] : []
        }
    }
}
