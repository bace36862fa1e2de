import ArgumentParser
import CallModel
import CaptureSynthesis
#if canImport(Glibc)
import Glibc
#endif

/// `callscope-dev bench`: timings for the README's performance table. Prints figures; never
/// gates CI.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the metrics core, the store, the CDR readers or the bare libpcap loop.",
        subcommands: [BenchMetricsCommand.self, BenchStoreCommand.self, BenchCDRCommand.self, BenchReadCommand.self, BenchDashboardCommand.self, BenchClickHouseCommand.self],
        defaultSubcommand: BenchMetricsCommand.self
    )
}

/// The generated calls `bench metrics` and `bench store` time.
struct GeneratedCallsOptions: ParsableArguments {
    @Option(help: "How many calls to generate.")
    var calls = 1_000_000

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 42

    func validate() throws {
        if calls < 1 { throw ValidationError("--calls must be 1 or more.") }
    }

    /// `count` generated calls from `seed`, each with the one leg a CDR import gives it (the
    /// store benchmarks import them): ids `prefix` + index when a prefix is given.
    static func callsWithLegs(count: Int, seed: UInt64, idPrefix: String? = nil) -> [Call] {
        var calls = SyntheticCallRecords.generate(count: count, seed: seed)
        for i in calls.indices {
            if let idPrefix { calls[i].callID = idPrefix + String(i) }
            calls[i].legs = [CallLeg(id: calls[i].callID + ".1", status: calls[i].outcome == .answered ? "ANSWERED" : "NO ANSWER",
                                     start: calls[i].start, answered: calls[i].outcome == .answered, destination: calls[i].agent)]
        }
        return calls
    }
}

/// Wall-clock seconds of `body`.
func measureSeconds<Failure: Error>(_ body: () throws(Failure) -> Void) throws(Failure) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// CPU seconds the calling thread has used so far (CLOCK_THREAD_CPUTIME_ID): what a
/// single-threaded phase costs, whatever else the machine is running.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// A failure of the code being timed: exit status 1 with its message.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}
