import CallModel
import Decompression
import Foundation

/// Reads one CDR file: checks that it is text, picks its format (detected from content, or
/// `--input-format`, or `--mapping`), and runs the format's reader.
public struct CDRImporter: Sendable {
    public var options: CDRImportOptions

    public init(options: CDRImportOptions) { self.options = options }

    /// What one file gave.
    public struct FileResult: Sendable {
        public var format: CDRFormat
        public var result: CDRReadResult
        public var rows: Int
        public var badRows: Int
    }

    /// Imports `path`; problems inside go to `report`, a file that cannot be read at all throws.
    public func importFile(_ path: String, report: @escaping (Diagnostic) -> Void) throws(CDRError) -> FileResult {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CDRError(input: path, reason: "a directory with no capture or CDR files in it")
        }
        let bytes = try Self.contents(of: path)
        let input = CDRInput(path: path, bytes: bytes)
        let prepared: Result<(CDRFormat, CDRImportOptions), CDRError> = bytes.withUnsafeBytes { raw in
            do throws(CDRError) { return .success(try prepare(path, raw)) } catch { return .failure(error) }
        }
        let (format, fileOptions) = try prepared.get()
        if !Self.isValidUTF8(bytes) {
            report(Diagnostic(.warning, input: path, line: nil, message: "not valid UTF-8 (Latin-1 or another legacy encoding?): invalid bytes are shown as U+FFFD"))
        }
        var context = CDRContext(options: fileOptions, input: input, report: report)
        let reader = CDRReaders.reader(for: format).init()
        let result: CDRReadResult
        do {
            result = try bytes.withUnsafeBytes { buffer in try reader.read(buffer, context: &context) }
        } catch let error as CDRError {
            throw error
        } catch {
            throw CDRError(input: path, reason: String(describing: error))  // unreachable: readers throw CDRError
        }
        return FileResult(format: format, result: result, rows: context.rows, badRows: context.badRows)
    }

    /// Checks that a file is text and picks its format and options (a sidecar mapping).
    private func prepare(_ path: String, _ bytes: UnsafeRawBufferPointer) throws(CDRError) -> (CDRFormat, CDRImportOptions) {
        try Self.checkText(bytes, path: path)
        var fileOptions = options
        if fileOptions.mappingPath == nil, fileOptions.format == nil || fileOptions.format == .mappedCSV {
            fileOptions.mappingPath = Self.sidecarMapping(for: path)
        }
        let format = try Self.format(of: Array(bytes.prefix(65_536)), path: path, options: fileOptions)
        if format != .mappedCSV { fileOptions.mappingPath = nil }
        return (format, fileOptions)
    }

    /// Reads `path` as ``importFile(_:report:)`` does, but hands its calls to `emit` while it
    /// reads (``CDRStreamingReader``, ``CDRStreamWindow``), with the file mapped and its pages
    /// given back as reading moves on: memory follows the calls in progress, not the file.
    /// - Returns: nil, having read and reported nothing, when the file is not an uncompressed
    ///   regular file, its format has no streaming reader, or `--strict` is on (a bad row must
    ///   then stop the file before any of its calls is written); ``importFile(_:report:)`` reads it.
    public func streamFile(_ path: String, window: CDRStreamWindow, report: @escaping (Diagnostic) -> Void,
                           emit: (CDRStreamBatch) -> Void) throws(CDRError) -> FileResult? {
        guard !options.strict, let mapped = MappedFile(path: path) else { return nil }
        let bytes = mapped.bytes
        if CompressionFormat.detect(bytes.prefix(CompressionFormat.magicLength)) != nil { return nil }
        let (format, fileOptions) = try prepare(path, bytes)
        guard let reader = CDRReaders.reader(for: format).init() as? CDRStreamingReader else { return nil }
        // The UTF-8 check reads the whole file: its pages are given back as it goes.
        if !Self.isValidUTF8(bytes, release: mapped.release(below:)) {
            report(Diagnostic(.warning, input: path, line: nil, message: "not valid UTF-8 (Latin-1 or another legacy encoding?): invalid bytes are shown as U+FFFD"))
        }
        mapped.rewind()
        var context = CDRContext(options: fileOptions, input: CDRInput(path: path, bytes: []), report: report)
        try reader.stream(bytes, context: &context, window: window, release: mapped.release(below:), emit: emit)
        return FileResult(format: format, result: CDRReadResult(calls: []), rows: context.rows, badRows: context.badRows)
    }

    /// The bytes of `path`, decompressed when it starts with a gzip, xz or Zstandard magic number.
    /// Readers take a file whole, so a compressed file costs what its uncompressed copy would.
    static func contents(of path: String) throws(CDRError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw CDRError(input: path, reason: "cannot open: no such file") }
        do {
            let reader = try DecompressingReader(path: path)
            if reader.format == nil, let data = FileManager.default.contents(atPath: path) { return [UInt8](data) }
            return try reader.readAll()
        } catch {
            throw CDRError(input: path, reason: error.reason)
        }
    }

    /// `X.mapping.yaml` (or `.yml`) beside `X.csv`, when there is one.
    static func sidecarMapping(for path: String) -> String? {
        let url = URL(fileURLWithPath: CompressionFormat.strippingSuffix(path))
        let stem = url.deletingPathExtension().path
        for candidate in [stem + ".mapping.yaml", stem + ".mapping.yml"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// The format to read `bytes` as.
    static func format(of bytes: [UInt8], path: String, options: CDRImportOptions) throws(CDRError) -> CDRFormat {
        if let format = options.format { return format }
        if options.mappingPath != nil { return .mappedCSV }
        let sample = CDRSample(bytes: bytes)
        let scored = CDRReaders.all.map { ($0.format, $0.detect(sample)) }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 50 else {
            if Self.hasCaptureName(path) {
                throw CDRError(input: path, reason: "not a capture (first bytes \(hexPrefix(bytes))) and not a CDR file we know")
            }
            let firstLine = sample.lines.first.map { String($0.prefix(80)) } ?? ""
            throw CDRError(input: path, reason: "cannot tell which PBX format this is (first line: \"\(firstLine)\"); give --input-format \(CDRFormat.allCases.map(\.rawValue).joined(separator: "|")) or --mapping FILE")
        }
        return best.0
    }

    /// Whether the file's name (without a compression suffix) says it is a capture: `.pcap`,
    /// `.pcapng`, `.cap`, or tcpdump's rotated `.pcapN`. Such a file that is text in no format we
    /// know is better described as "not a capture" than as a CDR file of an unknown format.
    public static func hasCaptureName(_ path: String) -> Bool {
        let name = CompressionFormat.strippingSuffix(URL(fileURLWithPath: path).lastPathComponent).lowercased()
        let withoutDigits = String(name.reversed().drop(while: \.isNumber).reversed())
        return [".pcap", ".pcapng", ".cap"].contains { name.hasSuffix($0) || withoutDigits.hasSuffix($0) }
    }

    /// The first `count` bytes in hex (`3c 68 74 6d ...`), for messages about unknown content.
    public static func hexPrefix(_ bytes: some Collection<UInt8>, count: Int = 8) -> String {
        let hex = bytes.prefix(count).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return hex.joined(separator: " ") + (bytes.count > count ? " ..." : "")
    }

    /// Empty files, UTF-16 text and binary files get a clear message instead of garbage rows.
    static func checkText(_ bytes: [UInt8], path: String) throws(CDRError) {
        let checked: Result<Void, CDRError> = bytes.withUnsafeBytes { raw in
            do throws(CDRError) { return .success(try checkText(raw, path: path)) } catch { return .failure(error) }
        }
        try checked.get()
    }

    static func checkText(_ bytes: UnsafeRawBufferPointer, path: String) throws(CDRError) {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw CDRError(input: path, reason: "empty file")
        }
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw CDRError(input: path, reason: "UTF-16 text: save the export as UTF-8 (CSV UTF-8) and import it again")
        }
        let head = bytes.prefix(65_536)
        if isBinary(head) {
            throw CDRError(input: path, reason: "binary data, not a CDR text file (a capture? captures start with a pcap/pcapng header)")
        }
        if head.contains(0) {
            throw CDRError(input: path, reason: "UTF-16 text without a byte-order mark: save it as UTF-8")
        }
    }

    /// Whether the start of a file (its first 64 KiB or so) is binary data, not text in any
    /// encoding.
    ///
    /// UTF-16 text without a byte-order mark has its NUL bytes on one side: at even offsets
    /// (big-endian) or odd ones (little-endian), every other byte for Latin text. Any other file
    /// holding NUL bytes is binary, however many there are (an SQLite database, a zero-padded
    /// capture of another format).
    public static func isBinary(_ head: some Collection<UInt8>) -> Bool {
        var count = 0
        var zerosAt = (even: 0, odd: 0)
        for byte in head {
            if byte == 0 {
                if count & 1 == 0 { zerosAt.even += 1 } else { zerosAt.odd += 1 }
            }
            count += 1
        }
        if count >= 2 {
            let first = head.first, second = head.dropFirst().first
            if (first == 0xFF && second == 0xFE) || (first == 0xFE && second == 0xFF) { return false }  // UTF-16 BOM
        }
        let zeros = zerosAt.even + zerosAt.odd
        guard zeros > 0 else { return false }
        let looksLikeUTF16 = zeros * 3 >= count && max(zerosAt.even, zerosAt.odd) * 10 >= zeros * 9
        return !looksLikeUTF16
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { isValidUTF8($0, release: { _ in }) }
    }

    /// Whether `raw` is valid UTF-8; `release` is told, every 8 MiB, the offset read up to.
    static func isValidUTF8(_ raw: UnsafeRawBufferPointer, release: (Int) -> Void) -> Bool {
        // Fast path: plain ASCII, 8 bytes at a time.
        var asciiOnly = true
        var i = 0
        scan: while i + 8 <= raw.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                asciiOnly = false
                break scan
            }
            i += 8
            if i & 0x7F_FFFF == 0 { release(i) }
        }
        while asciiOnly, i < raw.count {
            if raw[i] >= 0x80 { asciiOnly = false }
            i += 1
        }
        release(i)
        if asciiOnly { return true }
        var iterator = raw.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
