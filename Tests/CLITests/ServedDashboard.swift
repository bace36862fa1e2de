import Foundation
import Testing
import TestSupport

/// `callscope serve` as a child process on a free loopback port (`--listen 127.0.0.1:0`; the
/// port is read from its "serving" line), fetched over real HTTP with curl. Stopped by `stop()`.
final class ServedDashboard {
    let process = Process()
    let base: String
    private let errorFile: URL

    init(_ arguments: [String]) throws {
        errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-serve-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = TestPaths.root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        // The "callscope: serving http://HOST:PORT/" line (the server's own log may come first).
        var line = Data()
        func served() -> Bool {
            let text = String(decoding: line, as: UTF8.self)
            guard let range = text.range(of: "serving http://") else { return false }
            return text[range.upperBound...].contains("\n")
        }
        while !served() {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "serving http://").map({ text.index($0.lowerBound, offsetBy: 8)..<$0.upperBound }) else {
            process.waitUntilExit()
            throw ServeFailure(description: "serve did not start: \(text) \((try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")")
        }
        base = String(text[range.lowerBound...].prefix { !$0.isWhitespace }).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: errorFile)
    }

    struct Fetched {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// GET `path` (already URL-encoded); `headers` as `Name: value`.
    func get(_ path: String, headers: [String] = []) throws -> Fetched {
        let output = try ProcessRunner.tool("curl", ["-s", "-S", "-D", "-", "--max-time", "30"] + headers.flatMap { ["-H", $0] } + [base + path])
        guard let split = output.stdout.range(of: "\r\n\r\n") else { throw ServeFailure(description: "no HTTP response for \(path)") }
        let head = output.stdout[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Fetched(status: status, headers: fields, body: String(output.stdout[split.upperBound...]))
    }

    /// The internal links (`href="/..."`) of a page, unescaped.
    static func links(_ html: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: #"href="(/[^"]*)""#) else { return [] }
        let text = html as NSString
        return regex.matches(in: html, range: NSRange(location: 0, length: text.length)).map {
            text.substring(with: $0.range(at: 1)).replacingOccurrences(of: "&amp;", with: "&")
        }
    }
}

struct ServeFailure: Error, CustomStringConvertible { var description: String }
