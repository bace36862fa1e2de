import CDRImport
import CallIngest
import CallMetrics
import CallModel
import CaptureSynthesis
import Foundation
import Testing
import TestSupport

/// `report` over captures, or one CDR file, consumes the stream of calls
/// (`CallCollector.stream` into `KPIReportStream`, issue 16 target 2): its report must be the
/// report of the whole list (`collect` then `MetricsEngine.report`) for every group key, on
/// every sample capture and corpus capture, every CDR sample and corpus CDR file a streaming
/// reader reads, and a generated capture whose callers call again.
@Suite struct ReportStreamingTests {
    static let captures = Corpus.sampleAndCorpusCaptures

    static let cdrFiles: [String] = {
        let samples = ((try? FileManager.default.contentsOfDirectory(atPath: TestPaths.cdrSamples.path)) ?? [])
            .filter { !$0.contains(".expected") && !$0.hasSuffix(".py") && !$0.hasSuffix(".md") && !$0.hasSuffix(".yaml") }
            .map(TestPaths.cdrSample)
        let corpus = ((try? FileManager.default.contentsOfDirectory(atPath: Corpus.cdr.path)) ?? [])
            .filter { $0.contains("__") }
            .map(Corpus.cdrFile)
        return (samples + corpus).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }()

    static let groupings: [GroupBy?] = [nil, .hour, .day, .weekday, .week, .agent, .queue, .dialed, .source, .direction]

    static let ownNumbers = ["+4989123456", "+14155550123", "02079460099", "+61212345678", "999000", "+34911234567", "+442079460200"]

    /// The whole-list report and the streamed one of `paths`, for each grouping; nil when the
    /// inputs are not streamed (`collect` reads them).
    static func reports(_ paths: [String], options ingest: IngestOptions, metrics: MetricsOptions) -> [(whole: MetricsReport, streamed: MetricsReport)]? {
        let collector = CallCollector(options: ingest)
        let collected = collector.collect(paths) { _ in }
        var streams = groupings.map { KPIReportStream(groupBy: $0, options: metrics) }
        let summary = collector.stream(paths, diagnostics: { _ in }) { call in
            for i in streams.indices { streams[i].add(call) }
        }
        guard summary != nil else { return nil }
        return groupings.indices.map { i in
            (MetricsEngine.report(calls: collected.calls, groupBy: groupings[i], options: metrics), streams[i].report())
        }
    }

    static var ingest: IngestOptions {
        var options = IngestOptions(cdr: CDRImportOptions(timeZone: TimeZone(identifier: "UTC") ?? .current))
        options.direction = DirectionRules(ownNumbers: ownNumbers)
        return options
    }

    static let metrics = MetricsOptions(timeZone: TimeZone(identifier: "Europe/London") ?? .current)

    /// `heatmap` on the stream (`HeatmapStream`) against `MetricsEngine.heatmap` on the list,
    /// every metric and direction filter.
    static func heatmapsAgree(_ paths: [String]) -> Bool? {
        let collector = CallCollector(options: ingest)
        let calls = collector.collect(paths) { _ in }.calls
        let variants = HeatmapMetric.allCases.flatMap { metric in [nil, .inbound, .outbound].map { (metric, $0 as CallDirectionFilter?) } }
        var grids = variants.map { HeatmapStream(metric: $0.0, direction: $0.1, options: metrics) }
        guard collector.stream(paths, diagnostics: { _ in }, emit: { call in for i in grids.indices { grids[i].add(call) } }) != nil else { return nil }
        return variants.indices.allSatisfy { i in
            grids[i].heatmap() == MetricsEngine.heatmap(calls: calls, metric: variants[i].0, direction: variants[i].1, options: metrics)
        }
    }

    /// `report --view outbound` on the stream (`OutboundRatesStream`) against the engine's.
    static func outboundAgrees(_ paths: [String], ingest: IngestOptions = ingest, metrics: MetricsOptions = metrics) -> Bool? {
        let collector = CallCollector(options: ingest)
        let calls = collector.collect(paths) { _ in }.calls
        var rates = OutboundRatesStream(options: metrics)
        guard collector.stream(paths, diagnostics: { _ in }, emit: { rates.add($0) }) != nil else { return nil }
        return rates.result() == MetricsEngine.outboundAnswerRates(calls: calls, options: metrics)
    }

    @Test(arguments: captures)
    func streamedCaptureReportIsTheWholeListReport(_ path: String) throws {
        guard let reports = Self.reports([path], options: Self.ingest, metrics: Self.metrics) else { return }  // not a capture libpcap reads
        for (i, pair) in reports.enumerated() {
            #expect(pair.streamed == pair.whole, "\(path) by \(Self.groupings[i].map(\.rawValue) ?? "none")")
        }
        #expect(Self.heatmapsAgree([path]) == true, "\(path) heatmap")
        #expect(Self.outboundAgrees([path]) == true, "\(path) outbound view")
    }

    @Test(arguments: cdrFiles)
    func streamedCDRReportIsTheWholeListReport(_ path: String) throws {
        guard let reports = Self.reports([path], options: Self.ingest, metrics: Self.metrics) else { return }  // no streaming reader: collect reads it
        for (i, pair) in reports.enumerated() {
            #expect(pair.streamed == pair.whole, "\(path) by \(Self.groupings[i].map(\.rawValue) ?? "none")")
        }
        #expect(Self.heatmapsAgree([path]) == true, "\(path) heatmap")
        #expect(Self.outboundAgrees([path]) == true, "\(path) outbound view")
    }

    /// The Asterisk samples and corpus files do stream (the test above is not all skips).
    @Test func asteriskFilesStream() throws {
        let streamed = Self.cdrFiles.filter { Self.reports([$0], options: Self.ingest, metrics: Self.metrics) != nil }
        #expect(streamed.contains(TestPaths.cdrSample("asterisk-master.csv")))
        #expect(streamed.count >= 3)
        #expect(Self.captures.count >= 30 + (Corpus.hasPcap ? 45 : 0))
    }

    /// A generated capture with repeat callers, lost calls and answered recalls, inbound to the
    /// campaign numbers: the history facts are exercised, and streamed and whole reports agree.
    @Test func generatedCaptureReport() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var spec = SyntheticCaptureSpec(calls: 2_000, seed: 11, outcomeMix: .realistic, callerPoolSize: 300)
        spec.callDuration = 0.5
        spec.arrivals = .concurrency(10)
        let path = directory.file("generated.pcap")
        _ = try CaptureSynthesizer(spec: spec).write(to: path)
        var ingest = Self.ingest
        ingest.direction = DirectionRules(ownNumbers: SyntheticCaptureSpec.defaultCampaignNumbers)
        let metrics = MetricsOptions(timeZone: TimeZone(identifier: "UTC") ?? .current, repeatWindow: .seconds(3600), callbackWindow: .seconds(600))
        let reports = try #require(Self.reports([path], options: ingest, metrics: metrics))
        for (i, pair) in reports.enumerated() {
            #expect(pair.streamed == pair.whole, "by \(Self.groupings[i].map(\.rawValue) ?? "none")")
        }
        let overall = reports[0].streamed.overall
        #expect(overall.kpis.offered == 2_000)
        #expect(overall.kpis.repeatCallers > 0)
        #expect(overall.kpis.lostCalls > 0)
        #expect(overall.details.lostReturned > 0)
    }
}
