// swift-tools-version: 6.0
// callscope: a command-line analyzer of telephony calls.
// Data flows one way: capture -> packets -> SIP/RTP -> calls -> reports/CLI.
import PackageDescription

/// Release builds of the packet path skip Swift's run-time exclusivity checks: they cost
/// about 6% of `calls` on a 2M-packet capture (swift_beginAccess in perf, docs/performance.md).
/// Debug builds, and so the tests, keep them.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "callscope",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "callscope", targets: ["callscope"]),
        // Developer tools (generate-capture, bench): apart, so the shipped command links no
        // capture generator and carries no benchmark code.
        .executable(name: "callscope-dev", targets: ["callscope-dev"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // The only C in the package: libpcap through pkg-config.
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // zlib, liblzma and libzstd (Debian zlib1g-dev, liblzma-dev, libzstd-dev): compressed
        // captures and CDR files are read as tshark reads them. C like CPcap, for the same reason.
        .systemLibrary(name: "CCompression", providers: [.apt(["zlib1g-dev", "liblzma-dev", "libzstd-dev"])]),
        // gzip/xz/zstd files read as their decompressed bytes, streaming with bounded memory.
        .target(name: "Decompression", dependencies: ["CCompression"]),
        // What several layers need once: a binary heap, the seeded random-number generator, floor
        // division, big-endian reads. Depends on nothing; inlinable, so hot paths stay as fast.
        .target(name: "CallscopeBase", swiftSettings: hotPathSettings),
        // Reading pcap/pcapng files (and stdin) through libpcap; merging several files by time.
        .target(name: "PacketCapture", dependencies: ["CPcap", "CallscopeBase", "Decompression"], swiftSettings: hotPathSettings),
        // Developer tool: large realistic SIP + RTP captures written through libpcap's dump API,
        // and call records of a seeded call-centre mix for the metrics benchmark.
        .target(name: "CaptureSynthesis", dependencies: ["PacketCapture", "CallModel", "CDRImport", "CallscopeBase"]),
        // Link layers, IPv4/IPv6, fragments, tunnels, UDP/TCP/SCTP, TCP stream reassembly.
        .target(name: "PacketDecoding", dependencies: ["CallscopeBase"], swiftSettings: hotPathSettings),
        // SIP messages on bytes (RFC 3261), SDP (RFC 4566), SIP-over-stream framing (TCP, WebSocket RFC 6455/7118).
        .target(name: "SIPParsing", dependencies: ["CallscopeBase"], swiftSettings: hotPathSettings),
        // RTP/RTCP headers, stream quality, G.711 decoding, voice activity and talk timelines.
        .target(name: "RTPAnalysis", dependencies: ["CallModel", "CallscopeBase"], swiftSettings: hotPathSettings),
        // The call model shared by captures and CDR files.
        .target(name: "CallModel", dependencies: ["CallscopeBase"]),
        // PBX call-detail records (Asterisk, queue_log, FreeSWITCH, CUCM, mapped CSV) -> calls.
        .target(
            name: "CDRImport",
            dependencies: ["CallModel", "CallscopeBase", "Decompression", .product(name: "Yams", package: "Yams")]
        ),
        // Transactions and dialogs -> calls.
        .target(
            name: "CallReconstruction",
            dependencies: ["PacketCapture", "PacketDecoding", "SIPParsing", "RTPAnalysis", "CallModel"],
            swiftSettings: hotPathSettings
        ),
        // Any mix of inputs -> calls: captures or CDR files, queue_log joined, direction decided.
        // Drives reconstruction from capture files: opening, merging by time, the --jobs decoding pool.
        .target(
            name: "CallIngest",
            dependencies: ["CallReconstruction", "CDRImport", "RTPAnalysis", "CallModel", "PacketCapture", "PacketDecoding", "CallscopeBase", "Decompression"],
            swiftSettings: hotPathSettings
        ),
        // Metrics: calls in, typed KPIs out; no I/O.
        .target(name: "CallMetrics", dependencies: ["CallModel", "CallscopeBase"]),
        // The embedded store: imported calls in SQLite through GRDB (the only module touching the database).
        .target(name: "CallStore", dependencies: ["CallModel", "CallMetrics", "CallscopeBase", .product(name: "GRDB", package: "GRDB.swift")]),
        // The same store in ClickHouse over its HTTP interface (docs/clickhouse.md): one server or a cluster.
        .target(name: "ClickHouseStore", dependencies: ["CallStore", "CallModel", "CallMetrics", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        // watch --webhook: control events POSTed as JSON from a bounded queue, retried with backoff, off the capture's thread.
        .target(name: "Webhook", dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")]),
        // The ledger beside the wire: CDR calls paired with captured calls and compared (reconcile).
        .target(name: "Reconciliation", dependencies: ["CallModel", "CallscopeBase"]),
        // Table, JSON, ndjson and CSV renderers.
        .target(name: "Reports", dependencies: ["CallModel", "CallMetrics", "Reconciliation"]),
        // What a site configures in files: campaigns (YAML or CSV), local dates; errors with file and line.
        .target(
            name: "SiteConfiguration",
            dependencies: ["CallMetrics", "CallModel", "CDRImport", .product(name: "Yams", package: "Yams")]
        ),
        // The web dashboard over the store (serve): pages, JSON API and security headers on Hummingbird.
        .target(
            name: "Dashboard",
            dependencies: ["CallStore", "CallMetrics", "CallModel", "Reports", "SiteConfiguration", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        // The command line: argument parsing and printing only, one file per subcommand.
        .executableTarget(
            name: "callscope",
            dependencies: [
                "CallIngest", "CallReconstruction", "CDRImport", "CallMetrics", "CallModel", "CallStore", "Reports", "SiteConfiguration",
                "Reconciliation", "Dashboard", "ClickHouseStore",
                "Webhook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Developer commands: generate-capture and bench (README "Developer commands").
        .executableTarget(
            name: "callscope-dev",
            dependencies: [
                "CaptureSynthesis", "CDRImport", "CallMetrics", "CallModel", "CallStore", "PacketCapture", "Dashboard", "ClickHouseStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the test targets share: package and corpus paths, the CLI and tool runners, temporary
        // directories, frame/pcap/WebSocket builders and SIP samples (a plain target: SwiftPM has no
        // test-support kind; it depends on nothing and only test targets use it).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The child process of CallStoreTests' kill -9 durability test (an executable, so that it is
        // no test itself): imports a store's calls into another and waits half-way to be killed.
        .executableTarget(name: "CallStoreKillChild", dependencies: ["CallStore"], path: "Tests/CallStoreKillChild"),
        .testTarget(name: "DecompressionTests", dependencies: ["Decompression", "TestSupport"]),
        .testTarget(name: "PacketCaptureTests", dependencies: ["PacketCapture", "TestSupport"]),
        .testTarget(name: "CaptureSynthesisTests", dependencies: ["CaptureSynthesis", "PacketCapture", "CPcap", "CallModel", "RTPAnalysis", "TestSupport"]),
        .testTarget(name: "PacketDecodingTests", dependencies: ["PacketDecoding", "CallscopeBase", "TestSupport"]),
        .testTarget(name: "CallscopeBaseTests", dependencies: ["CallscopeBase"]),
        .testTarget(name: "SIPParsingTests", dependencies: ["SIPParsing", "CallModel", "CallscopeBase", "TestSupport"]),
        .testTarget(
            name: "CallReconstructionTests",
            dependencies: ["CallReconstruction", "CallIngest", "CallscopeBase", "PacketCapture", "PacketDecoding", "CallModel", "Reports", "TestSupport"]
        ),
        .testTarget(name: "RTPAnalysisTests", dependencies: ["RTPAnalysis", "CallModel", "TestSupport"]),
        .testTarget(name: "CDRImportTests", dependencies: ["CDRImport", "CallModel", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CallMetricsTests", dependencies: ["CallMetrics", "CallModel", "CaptureSynthesis", "TestSupport"]),
        .testTarget(name: "CallStoreTests", dependencies: ["CallStore", "CallModel", "CallMetrics", "CaptureSynthesis", "CallStoreKillChild", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ClickHouseStoreTests", dependencies: ["ClickHouseStore", "CallStore", "CallModel", "CallMetrics", "CaptureSynthesis", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "CallMetrics", "CallModel", "TestSupport"]),
        .testTarget(name: "SiteConfigurationTests", dependencies: ["SiteConfiguration", "CallMetrics", "CallModel"], exclude: ["Fixtures"]),
        .testTarget(name: "CallIngestTests", dependencies: ["CallIngest", "CallMetrics", "CaptureSynthesis", "TestSupport"]),
        .testTarget(name: "ReconciliationTests", dependencies: ["Reconciliation", "CallscopeBase", "CallIngest", "CDRImport", "CallModel", "TestSupport"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "CallStore", "CallModel", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["callscope", "callscope-dev", "TestSupport"], exclude: ["Fixtures", "Golden"]),
    ]
)

// Coverage-guided fuzz targets (libFuzzer), only when CALLSCOPE_FUZZ is set: their link needs
// -sanitize=fuzzer, so `swift build` and `swift test` never see them. scripts/fuzz.sh builds
// them in .build-fuzz/ and runs them. Each is an executable whose `<Target>_main` (what SwiftPM
// links as `main`) hands libFuzzer's driver its one-input function (Fuzz/README.md).
if Context.environment["CALLSCOPE_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        // SIP messages, SIP-over-stream framing at every chunking, SDP bodies.
        .executableTarget(name: "FuzzSIP", dependencies: ["FuzzSupport", "SIPParsing"], path: "Fuzz/FuzzSIP"),
        // The per-packet path: a capture through libpcap, decoding, reassembly, SIP, call tracking,
        // RTP statistics and media association with voice activity on.
        .executableTarget(name: "FuzzCapture", dependencies: ["FuzzSupport", "CallIngest", "CallReconstruction", "RTPAnalysis"], path: "Fuzz/FuzzCapture"),
        // Format detection and every CDR reader.
        .executableTarget(name: "FuzzCDR", dependencies: ["FuzzSupport", "CDRImport", "CallModel"], path: "Fuzz/FuzzCDR"),
        // SIP over WebSocket (handshake, frames, resynchronisation) and SCTP DATA/I-DATA reassembly,
        // with chunk boundaries and header fields chosen by the input.
        .executableTarget(name: "FuzzStream", dependencies: ["FuzzSupport", "SIPParsing", "PacketDecoding"], path: "Fuzz/FuzzStream"),
        // WAV call recordings and their voice activity.
        .executableTarget(name: "FuzzWAV", dependencies: ["FuzzSupport", "RTPAnalysis"], path: "Fuzz/FuzzWAV"),
        // The campaigns file (YAML and CSV) and the local dates of --from/--to.
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzSupport", "SiteConfiguration", "CallMetrics"], path: "Fuzz/FuzzConfig"),
    ]
}
