import Foundation

/// Where a ClickHouse store is and how to log in (docs/clickhouse.md "Connecting").
///
/// Parsed from `--clickhouse URL`: `http://[user[:password]@]host:port/?database=NAME`
/// (the HTTP interface; `https` too). The user and password come from the URL, else from
/// `CALLSCOPE_CLICKHOUSE_USER` / `CALLSCOPE_CLICKHOUSE_PASSWORD`, else ClickHouse's `default`
/// user without a password. They are sent in an `Authorization: Basic` header, never in the
/// query string (which servers log), and ``description`` leaves them out.
public struct ClickHouseEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `scheme://host:port`, without credentials, path or query.
    public let base: String
    /// The database that holds callscope's tables (`?database=`, default `callscope`).
    public let database: String
    /// The `remote_servers` cluster of a sharded store (`?cluster=`), nil for one server.
    public let cluster: String?
    /// The HTTP addresses (`scheme://host:port`) of the cluster's shards (`?shards=host:port,...`),
    /// where callscope creates the local tables; the Distributed tables are created on each too.
    public let shards: [String]
    let user: String?
    let password: String?

    /// The URL to print: no user, no password.
    public var description: String {
        "\(base)/?database=\(database)" + (cluster.map { "&cluster=\($0)" } ?? "")
    }

    /// Parses `text`; credentials missing from the URL are taken from `environment`.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ClickHouseEndpointError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ClickHouseEndpointError("not an http:// or https:// URL of a ClickHouse server's HTTP interface (e.g. http://127.0.0.1:8123/?database=calls)")
        }
        let port = components.port ?? (scheme == "https" ? 8443 : 8123)
        let printedHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        base = "\(scheme)://\(printedHost):\(port)"
        var database = "callscope"
        var queryUser: String?
        var queryPassword: String?
        var cluster: String?
        var shards: [String] = []
        for item in components.queryItems ?? [] {
            switch item.name {
            case "database": database = item.value ?? ""
            case "user": queryUser = item.value
            case "password": queryPassword = item.value
            case "cluster": cluster = item.value
            case "shards":
                shards = (item.value ?? "").split(separator: ",").map { "\(scheme)://\($0.trimmingCharacters(in: .whitespaces))" }
            default: throw ClickHouseEndpointError("unknown URL parameter '\(item.name)' (known: database, user, password, cluster, shards)")
            }
        }
        if let cluster, cluster.isEmpty || !Self.isName(cluster) { throw ClickHouseEndpointError("the cluster name must be letters, digits and _") }
        if cluster != nil && shards.isEmpty { throw ClickHouseEndpointError("cluster= needs shards=host:port,host:port (the HTTP interface of each shard, where the local tables are created)") }
        if cluster == nil && !shards.isEmpty { throw ClickHouseEndpointError("shards= needs cluster=NAME (the remote_servers cluster of the Distributed tables)") }
        for shard in shards where URLComponents(string: shard)?.host == nil { throw ClickHouseEndpointError("a shard is not host:port") }
        self.cluster = cluster
        self.shards = shards
        guard Self.isName(database) else {
            throw ClickHouseEndpointError("the database name must be letters, digits and _")
        }
        self.database = database
        let variable = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? queryUser ?? variable("CALLSCOPE_CLICKHOUSE_USER")
        password = components.password.flatMap { $0.removingPercentEncoding } ?? queryPassword ?? variable("CALLSCOPE_CLICKHOUSE_PASSWORD")
    }

    /// An identifier ClickHouse takes unquoted: letters, digits and `_`.
    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// The same database and credentials on another server of the cluster (`scheme://host:port`).
    func server(_ base: String) -> ClickHouseEndpoint {
        ClickHouseEndpoint(base: base, database: database, cluster: cluster, shards: shards, user: user, password: password)
    }

    private init(base: String, database: String, cluster: String?, shards: [String], user: String?, password: String?) {
        self.base = base; self.database = database; self.cluster = cluster; self.shards = shards; self.user = user; self.password = password
    }

    /// The `Authorization` header value, nil without a user.
    var authorization: String? {
        guard user != nil || password != nil else { return nil }
        let pair = "\(user ?? "default"):\(password ?? "")"
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }
}

/// Why a `--clickhouse` URL cannot be used; the URL itself is left out (it may hold a password).
public struct ClickHouseEndpointError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
