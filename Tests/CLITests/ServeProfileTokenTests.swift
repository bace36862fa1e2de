import Foundation
import Testing
import TestSupport

/// `serve` takes its token from the site profile's `dashboard_token` when neither `--token` nor
/// `CALLSCOPE_TOKEN` gives one (README "Dashboard").
@Suite struct ServeProfileTokenTests {
    @Test func theProfilesDashboardTokenGuardsServe() throws {
        let directory = TemporaryDirectory("callscope-serve-token")
        let imported = try CLI.run(["import", "--db", directory.file("c.sqlite"), "cdr-samples/asterisk-master.csv", "-q"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let profile = directory.file("callscope.yaml")
        // A token from the profile is checked as --token is: too short is refused before listening.
        try "database: c.sqlite\ndashboard_token: short\n".write(toFile: profile, atomically: true, encoding: .utf8)
        let short = try CLI.run(["serve", "--config", profile, "--listen", "0.0.0.0:0"])
        #expect(short.status != 0 && short.stderr.contains("at least 16 characters"), "\(short.stderr)")
        // Without it, listening beyond loopback is refused for want of a token.
        try "database: c.sqlite\n".write(toFile: profile, atomically: true, encoding: .utf8)
        let none = try CLI.run(["serve", "--config", profile, "--listen", "0.0.0.0:0"])
        #expect(none.status != 0 && none.stderr.contains("not a loopback address"), "\(none.stderr)")
    }
}
