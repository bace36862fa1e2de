import AsyncHTTPClient
import CallStore
import Foundation
import NIOCore
import NIOHTTP1

/// Queries and inserts over ClickHouse's HTTP interface (clickhouse.com/docs/en/interfaces/http),
/// blocking the calling thread: callscope's commands are synchronous.
///
/// A request that fails before the server answered (refused, reset) is tried again `retries`
/// times, a second apart: every insert callscope makes can be repeated without duplicating
/// anything (its rows carry their version and ReplacingMergeTree keeps one row per key and
/// version), and every other request only reads or creates what is missing. A server error (an
/// HTTP status other than 200) is not retried: its message is the error; nor is a request that
/// ran out of time (the server may still be working on it).
struct ClickHouseClient: Sendable {
    let endpoint: ClickHouseEndpoint
    var retries = 2
    /// How long one request may take: a report over tens of millions of calls keeps a small
    /// server busy for minutes before its first byte (docs/performance.md "ClickHouse").
    var timeout: TimeAmount = .seconds(3600)

    /// The HTTP client of every request: AsyncHTTPClient's shared one gives up on a response
    /// after 90 s without a byte, which cut off reports the server was still computing. Here only
    /// connecting has its own limit; each request is bounded by `timeout`.
    private static let http = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: nil)))

    /// Runs `sql` (its result in the format it names) and returns the response body.
    /// - Parameter database: false for the statements that create the database itself.
    func query(_ sql: String, database: Bool = true) throws(StoreError) -> [UInt8] {
        try send(parameters: database ? ["database": endpoint.database] : [:], body: Array(sql.utf8), doing: sql)
    }

    /// Inserts `rows` (JSONEachRow, one object a line) into `table`.
    /// - Parameter distributed: false for a table of this server alone (no Distributed insert settings).
    func insert(into table: String, rows: [UInt8], distributed: Bool = true) throws(StoreError) {
        let sql = "INSERT INTO \(endpoint.database).\(table) FORMAT JSONEachRow"
        var parameters = ["query": sql]
        // A Distributed insert waits for every shard: a shard down is an error now, not rows queued on this server.
        if distributed && endpoint.cluster != nil { parameters["insert_distributed_sync"] = "1" }
        _ = try send(parameters: parameters, body: rows, doing: sql)
    }

    private func send(parameters: [String: String], body: [UInt8], doing action: String) throws(StoreError) -> [UInt8] {
        var components = URLComponents()
        components.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let url = endpoint.base + "/" + (components.percentEncodedQuery.map { "?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? "")
        var attempt = 0
        while true {
            do {
                var request = try HTTPClient.Request(url: url, method: .POST, body: .bytes(body))
                if let authorization = endpoint.authorization { request.headers.add(name: "Authorization", value: authorization) }
                request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
                let response = try Self.http.execute(request: request, deadline: .now() + timeout).wait()
                let bytes = response.body.map { Array($0.readableBytesView) } ?? []
                guard response.status == .ok else {
                    throw StoreError.server("\(endpoint): the server refused \(Self.summary(of: action)): \(Self.message(bytes, status: response.status))")
                }
                return bytes
            } catch let error as StoreError {
                throw error
            } catch {
                attempt += 1
                if Self.reason(error) == "timed out" {
                    throw StoreError.server("\(endpoint): the ClickHouse server did not answer within \(timeout.nanoseconds / 1_000_000_000) s: \(Self.summary(of: action))")
                }
                if attempt > retries {
                    throw StoreError.server("\(endpoint): cannot reach the ClickHouse server (\(Self.reason(error))) after \(attempt) tries: \(Self.summary(of: action))")
                }
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// The first words of a statement, to name it in an error.
    static func summary(of sql: String) -> String {
        let line = sql.split(separator: "\n").first.map(String.init) ?? sql
        return line.count > 80 ? String(line.prefix(80)) + "..." : line
    }

    /// ClickHouse's error text (`Code: 60, e.displayText() = DB::Exception: Table ... doesn't exist`), one line.
    static func message(_ body: [UInt8], status: HTTPResponseStatus) -> String {
        let text = String(decoding: body.prefix(600), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "HTTP \(status.code)" : "HTTP \(status.code): \(line)"
    }

    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") { return "no connection within 10 s" }
        if text.contains("Timeout") || text.contains("timeout") || text.contains("deadlineExceeded") { return "timed out" }
        if text.contains("remoteConnectionClosed") || text.contains("reset") { return "connection closed by the server" }
        return text.count > 120 ? String(text.prefix(120)) : text
    }
}
