import ArgumentParser
import CallMetrics
import Dashboard
import Dispatch
import Foundation
import Reports

/// `callscope serve`: the web dashboard over the store (README "Dashboard"); glue only, the
/// pages live in the Dashboard module.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard over the store: overview, calls, lost calls, agents, campaigns, heatmap, and their JSON.",
        discussion: """
            Opens the database read-only (an import or watch --db may write meanwhile) and serves \
            HTML pages and JSON on --listen, 127.0.0.1:8080 by default. /attribution shows the \
            visit attribution import stored, or, with --visits FILE, attributes the calls again \
            as report does; --costs and --value give cost per call and ROI. Any address but a loopback \
            one needs --token: clients then send 'Authorization: Bearer TOKEN' or open \
            /login?token=TOKEN once. Pages compute with the site profile's zone, thresholds and \
            campaigns, as report does. Stop with Ctrl-C.
            """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var windows: HistoryWindowOptions
    @OptionGroup var thresholds: KPIThresholdOptions

    @Option(help: ArgumentHelp("Address and port to listen on (HOST:PORT, [IPv6]:PORT; port 0 picks a free one).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(help: ArgumentHelp("Token every request must carry (at least 16 characters); required to listen beyond loopback. Also read from CALLSCOPE_TOKEN.", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("Seconds after which the overview and section pages reload themselves (0: never).", valueName: "s"))
    var refresh = 60

    @Option(help: ArgumentHelp("The site's name in page titles (default: the profile's site).", valueName: "name"))
    var site: String?

    func validate() throws {
        if !input.inputs.isEmpty { throw ValidationError("serve reads the store only: give --db FILE (or database in the site profile), no input files.") }
        if ListenAddress.parse(listen) == nil { throw ValidationError("--listen '\(listen)' is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080).") }
        if refresh < 0 { throw ValidationError("--refresh must be 0 or more.") }
    }

    func run() throws {
        let settings = try input.settings(windows: windows, thresholds: thresholds)
        guard let database = settings.database.value else { throw ValidationError("Give --db FILE (or database in the site profile).") }
        let options = try MetricsOptions(site: settings, period: PeriodOptions.parse([]), campaigns: settings.loadCampaigns())
        // --visits attributes every call the pages read again; without it the pages show the
        // attribution import stored. Bad visit rows are reported as file:line, as by every command.
        let printer = DiagnosticPrinter(limit: input.maxDiagnostics, quiet: input.quiet)
        let loaded = try settings.loadAttribution(report: printer.print)
        printer.finish()
        // Pools without visits would only call the stored pool calls unattributed: the engine runs with visits.
        let attribution = DashboardAttribution(engine: input.attribution.visits.isEmpty ? nil : loaded?.engine, touch: input.attribution.touch,
                                               costs: try settings.loadCosts(), valuePerQualified: input.attribution.value)
        let configuration = DashboardConfiguration(
            databasePath: database, listen: ListenAddress.parse(listen) ?? .init(host: "127.0.0.1", port: 8080),
            token: token ?? ProcessInfo.processInfo.environment["CALLSCOPE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
                ?? settings.profile?.dashboardToken?.value,
            options: options, targets: ReportTargets(blockedRate: settings.blockedTargetPercent.value / 100),
            site: site ?? settings.profile?.site?.value, refreshSeconds: refresh == 0 ? nil : refresh, attribution: attribution)
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        do {
            let application = try DashboardServer.application(configuration) { url in
                FileHandle.standardOutput.write(Data("callscope: serving \(url)\n".utf8))
            }
            Task {
                do { try await application.runService() } catch { outcome.error = error }
                done.signal()
            }
        } catch {
            if error.status == .badRequest { throw ValidationError(error.description) }
            throw CommandFailure(.input, error.description)
        }
        done.wait()
        if let error = outcome.error { throw CommandFailure(.input, "serve: \(error)") }
    }
}

/// The server's end, handed from its task to the waiting command.
private final class Outcome: @unchecked Sendable {
    var error: (any Error)?
}
