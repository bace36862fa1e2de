import Testing
@testable import ClickHouseStore

@Suite struct ClickHouseEndpointTests {
    @Test func credentialsComeFromTheURLElseTheEnvironmentAndAreNeverPrinted() throws {
        let url = try ClickHouseEndpoint(parsing: "http://ops:p%40ss@db.example:8124/?database=calls", environment: ["CALLSCOPE_CLICKHOUSE_PASSWORD": "other"])
        #expect(url.description == "http://db.example:8124/?database=calls")
        #expect(url.authorization == "Basic " + "b3BzOnBAc3M=")  // base64("ops:p@ss")
        let environment = try ClickHouseEndpoint(parsing: "https://[::1]/", environment: ["CALLSCOPE_CLICKHOUSE_USER": "reader", "CALLSCOPE_CLICKHOUSE_PASSWORD": "pw"])
        #expect(environment.description == "https://[::1]:8443/?database=callscope")
        #expect(environment.authorization == "Basic cmVhZGVyOnB3")  // reader:pw
        #expect(try ClickHouseEndpoint(parsing: "http://h/", environment: [:]).authorization == nil)
        let query = try ClickHouseEndpoint(parsing: "http://h:1/?user=u&password=secret&database=d", environment: [:])
        #expect(!query.description.contains("secret"))
    }

    @Test func badURLsAreRefusedWithoutEchoingThem() {
        for bad in ["ftp://h/", "h:8123", "http://h/?database=a;DROP", "http://h/?db=x", "http://h/?cluster=c", "http://h/?shards=a:1"] {
            #expect(throws: ClickHouseEndpointError.self) { try ClickHouseEndpoint(parsing: bad, environment: [:]) }
        }
        let cluster = try? ClickHouseEndpoint(parsing: "http://h:1/?database=d&cluster=c&shards=a:1,b:2", environment: [:])
        #expect(cluster?.shards == ["http://a:1", "http://b:2"])
        #expect(cluster?.description == "http://h:1/?database=d&cluster=c")
    }

    @Test func tabSeparatedEscapesAndNullsAreUndone() {
        let bytes = Array("a\\tb\t\\N\t\\\\N\tx\\ny\t\n\\'q\\'\t1\n".utf8)
        let rows = Array(TabSeparatedRows(bytes))
        #expect(rows.count == 2)
        #expect(rows[0] == ["a\tb", nil, "\\N", "x\ny", ""])
        #expect(rows[1] == ["'q'", "1"])
        #expect(ClickHouseStore.literal("it's a \\ test") == "'it\\'s a \\\\ test'")
    }
}
