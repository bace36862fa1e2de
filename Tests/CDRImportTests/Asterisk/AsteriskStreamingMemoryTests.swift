import CallModel
import Foundation
import Testing
@testable import CDRImport
import TestSupport

/// A streaming read keeps in memory only the part of the file its held rows point into: the
/// pages read are given back as reading moves on (issue 16 target 2). The UTF-8 check reads the
/// whole file first; the read after it must give its pages back again (it once did not: the
/// 1M-row Master.csv's 278 MB were all resident at the end, the peak RSS growing with the file).
@Suite struct AsteriskStreamingMemoryTests {
    /// Rows as `cdr-samples/generate.py --master-rows` writes them (cdr_csv with the 21 fields
    /// of `loguniqueid` and `logsequence`): an inbound call through a Local queue member leg
    /// answered by agent 201, 30 s apart.
    static func master(rows: Int) -> String {
        var text = ""
        text.reserveCapacity(rows * 300)
        let base: Int64 = 1_767_225_600  // 2026-01-01 00:00:00 UTC
        func time(_ epoch: Int64) -> String {
            let days = epoch / 86_400, second = Int(epoch % 86_400)
            let day = Int(days - base / 86_400) + 1
            let hh = second / 3600, mm = second / 60 % 60, ss = second % 60
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return "2026-01-\(two(day)) \(two(hh)):\(two(mm)):\(two(ss))"
        }
        for i in 0..<rows {
            let start = base + Int64(i) * 30
            let id = "\(start).\(i)"
            text += "\"\",\"+4477009\(100_000 + i % 50_000)\",\"+442079460200\",\"from-trunk\",\"\"\"\"\" <+44770091>\",\"SIP/siptrunk-\(i)\",\"SIP/201-\(i)\",\"Queue\",\"support,tr,,,60\",\"\(time(start))\",\"\(time(start + 2))\",\"\(time(start + 20))\",20,18,\"ANSWERED\",\"DOCUMENTATION\",\"\(id)\",\"\",\"\",\"\(id)\",\(i + 1)\n"
        }
        return text
    }

    /// The resident bytes of the mapping of `path` in this process (`/proc/self/smaps`), nil
    /// when it is not mapped or the system has no smaps.
    static func residentBytes(ofMapping path: String) -> Int? {
        // Read to the end (a /proc file's size says 0).
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps"), let data = try? handle.readToEnd() else { return nil }
        try? handle.close()
        let smaps = String(decoding: data, as: UTF8.self)
        var inMapping = false
        var total: Int?
        for line in smaps.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-"), !line.hasSuffix(":") && !line.contains(" kB") {
                inMapping = line.hasSuffix(path)
            } else if inMapping, line.hasPrefix("Rss:") {
                let kB = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                total = (total ?? 0) + kB * 1024
            }
        }
        return total
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/smaps")))
    func pagesReadAreGivenBackAfterTheUTF8Check() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("Master.csv")
        let text = Self.master(rows: 40_000)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let size = text.utf8.count
        let importer = CDRImporter(options: CDRImportOptions(timeZone: try #require(TimeZone(identifier: "UTC"))))
        var peak = 0, samples = 0, calls = 0
        let window = CDRStreamWindow(rows: 200, closeSeconds: 60, reorderSeconds: 60)
        let result = try #require(try importer.streamFile(path, window: window, report: { _ in }) { batch in
            calls += batch.calls.count
            if let resident = Self.residentBytes(ofMapping: path) {
                peak = max(peak, resident)
                samples += 1
            }
        })
        #expect(result.rows == 40_000)
        #expect(calls == 40_000)
        #expect(samples > 100)
        // The rows held (200 and a flush of 100, about 100 KB), mapped in by the kernel 2 MiB at a
        // time here (measured: 2 MiB resident all along, 4 MiB at most): far below the file's
        // 11 MB, which all became resident when the pass after the check kept its pages.
        #expect(peak < size / 2, "peak \(peak) bytes of a \(size)-byte file resident")
    }
}
