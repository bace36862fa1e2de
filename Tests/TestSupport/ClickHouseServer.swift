import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A ClickHouse server of the tests' own (Debian's `clickhouse-server`): a config generated in a
/// temporary directory, free loopback ports, data and logs inside that directory; stopped by
/// ``stop()`` or when the value goes away. Nothing system-wide is used or left.
///
/// ```swift
/// let server = try ClickHouseServer.start()
/// defer { server.stop() }
/// run(["import", "--clickhouse", server.url(database: "t")])
/// ```
public final class ClickHouseServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let httpPort: Int
    public let tcpPort: Int
    public let password: String
    /// The server's process id; 0 when it is not running.
    private var pid: pid_t = 0
    private let lock = NSLock()

    /// The server binary: Debian installs `clickhouse-server` in /usr/sbin (a link to `clickhouse`).
    public static var binary: String? {
        ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server", "/usr/bin/clickhouse"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether the tests can start a server here (CI installs it: .ci/run).
    public static var isInstalled: Bool { binary != nil }

    /// The HTTP URL of `database`, with the user and password in it.
    public func url(database: String, credentials: Bool = true) -> String {
        "http://\(credentials ? "default:\(password)@" : "")127.0.0.1:\(httpPort)/?database=\(database)"
    }

    /// Starts a server and waits until its HTTP port answers.
    /// - Parameter cluster: a `remote_servers` cluster named `callscope` of one shard per TCP port
    ///   given (these servers, on 127.0.0.1), for Distributed tables.
    public static func start(cluster shardTCPPorts: [Int] = [], ports: (http: Int, tcp: Int)? = nil, password: String = "s3cret-pw") throws -> ClickHouseServer {
        guard let binary else { throw ProcessRunner.Failure(description: "clickhouse-server is not installed (apt-get install clickhouse-server)") }
        let directory = TemporaryDirectory("callscope-clickhouse")
        let http = try ports?.http ?? freePort()
        let tcp = try ports?.tcp ?? freePort()
        let shards = shardTCPPorts.map { "<shard><replica><host>127.0.0.1</host><port>\($0)</port><user>default</user><password>\(password)</password></replica></shard>" }.joined()
        let config = """
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>\(directory.path)/server.log</log><errorlog>\(directory.path)/error.log</errorlog><console>0</console></logger>
              <http_port>\(http)</http_port>
              <tcp_port>\(tcp)</tcp_port>
              <listen_host>127.0.0.1</listen_host>
              <path>\(directory.path)/data/</path>
              <tmp_path>\(directory.path)/tmp/</tmp_path>
              <format_schema_path>\(directory.path)/format_schemas/</format_schema_path>
              <users_config>\(directory.path)/users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <mark_cache_size>268435456</mark_cache_size>
              <uncompressed_cache_size>268435456</uncompressed_cache_size>
              <max_concurrent_queries>50</max_concurrent_queries>
              \(shards.isEmpty ? "" : "<remote_servers><callscope>\(shards)</callscope></remote_servers>")
            </yandex>
            """
        let users = """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
              <users><default><password>\(password)</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
              <quotas><default></default></quotas>
            </yandex>
            """
        try directory.write("config.xml", config)
        try directory.write("users.xml", users)
        let server = ClickHouseServer(directory: directory, httpPort: http, tcpPort: tcp, password: password)
        try server.launch(binary)
        return server
    }

    /// Starts the server process again on the same directory and ports (after ``stop()``).
    public func restart() throws {
        guard let binary = Self.binary else { return }
        try launch(binary)
    }

    /// Starts the server with posix_spawn, not Foundation's `Process`: a long-lived `Process`
    /// child made Foundation miss the exit of later children (`waitUntilExit` never returned).
    private func launch(_ binary: String) throws {
        let arguments = (binary.hasSuffix("/clickhouse") ? [binary, "server"] : [binary]) + ["--config-file=\(directory.file("config.xml"))"]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, Int32(fd), "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        // No other descriptor of this process: a pipe of another test's child held open by the
        // server would keep that test waiting for its end.
        for fd in 3..<Int32(4096) where fcntl(fd, F_GETFD) != -1 { posix_spawn_file_actions_addclose(&actions, fd) }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, binary, &actions, nil, &argv, environ)
        guard status == 0 else { throw ProcessRunner.Failure(description: "cannot start \(binary): error \(status)") }
        lock.lock(); pid = child; lock.unlock()
        let deadline = Date().addingTimeInterval(60)
        while !Self.canConnect(port: httpPort) {
            guard isRunning, Date() < deadline else {
                let log = (try? String(contentsOfFile: directory.file("error.log"), encoding: .utf8)) ?? ""
                stop()
                throw ProcessRunner.Failure(description: "clickhouse-server did not start: \(log.suffix(2000))")
            }
            usleep(100_000)
        }
    }

    private init(directory: TemporaryDirectory, httpPort: Int, tcpPort: Int, password: String) {
        self.directory = directory; self.httpPort = httpPort; self.tcpPort = tcpPort; self.password = password
    }

    deinit { stop() }

    /// Stops the server (SIGKILL) and waits for it to exit.
    public func stop() {
        lock.lock(); defer { lock.unlock() }
        guard pid > 0 else { return }
        // SIGKILL, not SIGTERM: ClickHouse 18.16 may keep its ports open for long while it shuts
        // down, and a test of a server down needs it gone. Its parts are written atomically, so
        // what was inserted stays (a restart on the same directory reads it back).
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        pid = 0
    }

    /// Whether the server's process is running.
    public var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        guard pid > 0 else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { pid = 0; return false }
        return true
    }

    /// Runs `sql` with `clickhouse-client` on this server's TCP port; returns its output, trimmed.
    public func query(_ sql: String) throws -> String {
        try ProcessRunner.tool("clickhouse-client", ["--host", "127.0.0.1", "--port", String(tcpPort), "--password", password, "--query", sql])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A TCP port free on 127.0.0.1 now (bound to port 0, read back, closed).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessRunner.Failure(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ProcessRunner.Failure(description: "cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
