import CDRImport
import CallModel
import Foundation
import FuzzSupport

/// One input: its first byte picks the reader (detection, or one of the formats as
/// `--input-format` would), the rest is the file, read in a zone with a DST change.
func fuzzCDR(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    guard let selector = bytes.first else { return 0 }
    let formats: [CDRFormat?] = [nil] + CDRFormat.allCases.filter { $0 != .mappedCSV }
    let format = formats[Int(selector) % formats.count]
    let path = scratchFile(named: "cdr.csv")
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes.dropFirst())) else { return 0 }
    defer { try? FileManager.default.removeItem(atPath: path) }
    let zone = TimeZone(identifier: "Europe/London") ?? .current
    let importer = CDRImporter(options: CDRImportOptions(timeZone: zone, strict: selector & 0x80 != 0, format: format))
    if let file = try? importer.importFile(path, report: { _ in }) {
        _ = file.rows
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzCDR(data, size) }

@_cdecl("FuzzCDR_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc: argc, argv: argv, fuzzCDR)
}
