import CallModel
import Foundation
import Testing
@testable import CDRImport

@Suite struct AsteriskTableReaderTests {
    static let multiTenantHeader = "AcctId,tenant,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,calldate,duration,billsec,billamount,disposition,amaflags,accountcode,uniqueid,userfield,linkedid,sequence,agiuniqueid,trunk,did,sipcallid,inboundsipcallid\n"

    /// Picked by name; `did` is the dialled number; no answer/end: end = start + duration,
    /// answered_at = end - billsec; NULL literals; clid with undoubled inner quotes.
    @Test func headerExportWithDidAndWithoutAnswerOrEnd() throws {
        let text = Self.multiTenantHeader
            + "7,NULL,\"\"Caller 3\" <2415550101>\",NULL,1115,from-trunk,PJSIP/VIOrig-00000010,Local/1115@stasis-dial-00000001;1,Queue,\"sales,t\",\"2018-11-29 20:19:34\",37,32,NULL,ANSWERED,3,NULL,1543540774.20,NULL,1543540774.20,0,NULL,VIOrig,2415065134,NULL,NULL\n"
            + "8,NULL,\"\"Caller 3\" <2415550101>\",2415550101,1115,stasis-dial,Local/1115@stasis-dial-00000001;2,PJSIP/1115-00000011,Dial,PJSIP/1115,\"2018-11-29 20:19:36\",35,30,NULL,ANSWERED,3,NULL,1543540776.21,NULL,1543540774.20,1,NULL,NULL,NULL,NULL,NULL\n"
        let outcome = try readAsterisk(AsteriskTableReader(), text, timeZone: "-05:00")
        #expect(outcome.rows == 2)
        #expect(outcome.badRows == 0)
        let call = try #require(outcome.calls.first)
        #expect(outcome.calls.count == 1)
        #expect(call.callID == "1543540774.20")
        #expect(call.caller == "2415550101")  // src NULL: from clid
        #expect(call.dialed == "2415065134")  // did, not dst
        #expect(call.queue == "sales")
        #expect(call.agent == "1115")
        #expect(call.start == utc("2018-11-30 01:19:34"))
        #expect(call.endedAt == utc("2018-11-30 01:20:11"))
        #expect(call.answeredAt == utc("2018-11-30 01:19:39"))
        #expect(call.format == "asterisk-db")
    }

    /// A disposition is matched in any case with spaces trimmed, for the answered check as for
    /// the outcome: `Answered` and `ANSWERED ` give answered_at and the agent.
    @Test func dispositionInAnyCaseWithSpaces() throws {
        let text = "calldate,src,dst,channel,dstchannel,duration,billsec,disposition,uniqueid\n"
            + "2020-01-01 10:00:00,0123456789,300,SIP/t-1,SIP/301-2,60,50,Answered,1.1\n"
            + "2020-01-01 11:00:00,0123456789,300,SIP/t-1,SIP/301-2,60,50,ANSWERED ,1.2\n"
            + "2020-01-01 12:00:00,0123456789,300,SIP/t-1,SIP/301-2,60,0,No Answer ,1.3\n"
            + "2020-01-01 13:00:00,0123456789,300,SIP/t-1,SIP/301-2,60,0, busy,1.4\n"
        let outcome = try readAsterisk(AsteriskTableReader(), text)
        #expect(outcome.badRows == 0)
        #expect(outcome.calls.map(\.outcome) == [.answered, .answered, .noAnswer, .busy])
        #expect(outcome.calls.map(\.answeredAt) == [utc("2020-01-01 10:00:10"), utc("2020-01-01 11:00:10"), nil, nil])
        #expect(outcome.calls.map(\.agent) == ["301", "301", nil, nil])
        #expect(outcome.calls[0].legs.first?.answered == true)
        #expect(outcome.calls[0].legs.first?.status == "Answered")  // as written
    }

    @Test func freePBXReportExportWithIrregularClid() throws {
        let text = "calldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,duration,billsec,disposition,amaflags,accountcode,uniqueid,userfield\n"
            + "2017-09-04 17:22:58,\"User 5\" <109>,,113,from-internal,SIP/109-000000d4,SIP/113-000000d5,Dial,\"SIP/113,60,rI\",6,5,ANSWERED,3,,1504542178.244,\n"
            + "2017-09-04 17:23:11,\"User 9\" <113>,113,0,from-internal,SIP/113-000000d6,,,,0,0,NO ANSWER,3,,1504542191.248\n"
        let outcome = try readAsterisk(AsteriskTableReader(), text, timeZone: "+01:00")
        #expect(outcome.diagnostics.map(\.description) == ["test.csv:3: 15 fields, expected 16 (the header's)"])
        let call = try #require(outcome.calls.first)
        #expect(call.caller == "109")
        #expect(call.agent == "113")
        #expect(call.start == utc("2017-09-04 16:22:58"))
        #expect(call.answeredAt == utc("2017-09-04 16:22:59"))  // end (start + 6) - billsec 5
    }

    static func freePBX25(_ calldate: String, uniqueid: String, billsec: String = "27") -> String {
        "\"\(calldate)\",\"\"\"Test User\"\" <105>\",\"105\",\"*60\",\"from-internal\",\"SIP/105-00000001\",,\"Wait\",\"1\",\"27\",\"\(billsec)\",\"ANSWERED\",\"3\",,\"\(uniqueid)\",,,,\"105\",\"Test User\",,,,\"0\",\n"
    }

    @Test func freePBXExportWithoutHeaderTakesDayMonthYearDates() throws {
        let text = Self.freePBX25("1/9/2017 16:33:01", uniqueid: "1.1")
            + Self.freePBX25("13/12/2017 9:05:00", uniqueid: "1.2")
            + Self.freePBX25("2017-09-01 16:33:01", uniqueid: "1.3")
            + Self.freePBX25("1/9/2017 16:33", uniqueid: "1.4")
            + Self.freePBX25("1/9/2017 16:33:01", uniqueid: "1.5", billsec: "x")
        let outcome = try readAsterisk(AsteriskTableReader(), text, timeZone: "UTC")
        #expect(outcome.calls.map(\.start) == [utc("2017-09-01 16:33:01"), utc("2017-12-13 09:05:00")])
        #expect(outcome.diagnostics.map(\.description) == [
            "test.csv:3: calldate \"2017-09-01 16:33:01\" is not d/m/yyyy H:MM:SS",
            "test.csv:4: calldate \"1/9/2017 16:33\" is not d/m/yyyy H:MM:SS",
            "test.csv:5: billsec \"x\" is not an integer",
        ])
        #expect(outcome.calls.first?.endedAt == utc("2017-09-01 16:33:28"))
    }

    @Test func notATableExportThrows() {
        #expect(throws: CDRError.self) { _ = try readAsterisk(AsteriskTableReader(), "a,b,c\n1,2,3\n") }
        #expect(throws: CDRError(input: "test.csv", line: 1, reason: "the header names no billsec column")) {
            _ = try readAsterisk(AsteriskTableReader(), "calldate,src,dst,duration,disposition,uniqueid\n")
        }
    }

    @Test func detection() {
        #expect(AsteriskTableReader.detect(CDRSample(bytes: Array(Self.multiTenantHeader.utf8))) > 50)
        #expect(AsteriskTableReader.detect(CDRSample(bytes: Array(Self.freePBX25("1/9/2017 16:33:01", uniqueid: "1").utf8))) > 50)
        // A report summary without uniqueid or channel is another format.
        #expect(AsteriskTableReader.detect(CDRSample(bytes: Array("calldate,src,dst,duration,billsec,disposition\n".utf8))) < 50)
        #expect(AsteriskCSVReader.detect(CDRSample(bytes: Array(Self.multiTenantHeader.utf8))) < 50)
    }
}

@Suite struct AsteriskCustomReaderTests {
    static let row = "\"\"\"\"\" <client1>\",\"client1\",\"6789\",\"default\",\"PJSIP/client1-00000002\",\"PJSIP/client2-00000003\",\"Dial\",\"PJSIP/client2\",\"2023-07-26 01:51:32\",\"2023-07-26 01:51:50\",\"2023-07-26 01:52:04\",\"31\",\"13\",\"ANSWERED\",\"DOCUMENTATION\",\"\",\"1690325492.2\",\"\",2\n"

    @Test func defaultTemplate() throws {
        let outcome = try readAsterisk(AsteriskCustomReader(), Self.row + "\"x\",\"y\"\n", timeZone: "+03:00")
        let call = try #require(outcome.calls.first)
        #expect(call.callID == "1690325492.2")
        #expect(call.format == "asterisk-csv-custom")
        #expect(call.caller == "client1")
        #expect(call.agent == "client2")
        #expect(call.start == utc("2023-07-25 22:51:32"))
        #expect(call.answeredAt == utc("2023-07-25 22:51:50"))
        #expect(call.waitNanoseconds == 18_000_000_000)
        #expect(outcome.diagnostics.map(\.description) == ["test.csv:2: 2 fields, expected 19 (cdr_custom default template)"])
    }

    @Test func detection() {
        #expect(AsteriskCustomReader.detect(CDRSample(bytes: Array(Self.row.utf8))) > 50)
        #expect(AsteriskCSVReader.detect(CDRSample(bytes: Array(Self.row.utf8))) < 50)
    }
}

@Suite struct AsteriskSQLReaderTests {
    static let dump = """
        -- MySQL dump
        DROP TABLE IF EXISTS `cdr`;
        CREATE TABLE `cdr` (
          `calldate` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
          `clid` varchar(80) NOT NULL DEFAULT '',
          `src` varchar(80) NOT NULL DEFAULT '',
          `dst` varchar(80) NOT NULL DEFAULT '',
          `dstchannel` varchar(80) DEFAULT NULL,
          `lastapp` varchar(80) DEFAULT NULL,
          `lastdata` varchar(80) DEFAULT NULL,
          `answer` datetime DEFAULT NULL,
          `end` datetime DEFAULT NULL,
          `duration` int(11) NOT NULL DEFAULT '0',
          `billsec` int(11) NOT NULL DEFAULT '0',
          `disposition` varchar(45) NOT NULL DEFAULT '',
          `uniqueid` varchar(32) NOT NULL DEFAULT '',
          `linkedid` varchar(32) DEFAULT NULL,
          KEY `calldate` (`calldate`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8;
        INSERT INTO `queue_log` VALUES (1,'a;b','x'),(2,'c','d');
        INSERT INTO `cdr` VALUES ('2023-02-05 00:09:12','\\"O\\'Brien\\" <200>','','1000','PJSIP/400-00000001','Queue','Support,,,,20','2023-02-05 00:09:12','2023-02-05 00:09:25',13,9,'ANSWERED','1.0','1.0'),
        ('2023-02-05 01:00:00','\\"\\" <300>','300','1000',NULL,'Dial','PJSIP/400','0000-00-00 00:00:00','2023-02-05 01:00:10',10,0,'BUSY','2.0',NULL),('2023/02/05 02:00','','300','1000',NULL,'Dial','',NULL,NULL,0,0,'BUSY','3.0','3.0'),
        ('2023-02-05 03:00:00','','300','1000',NULL,'Dial','',NULL,NULL,0,0,'BUSY','4.0');
        INSERT INTO `cdr` (`calldate`,`src`,`dst`,`duration`,`billsec`,`disposition`,`uniqueid`) VALUES ('2023-02-05 04:00:00','301','1001',5,0,'NO ANSWER','5.0');

        """

    @Test func tuplesBecomeCalls() throws {
        let outcome = try readAsterisk(AsteriskSQLReader(), Self.dump)
        #expect(outcome.rows == 5)
        #expect(outcome.badRows == 2)
        #expect(outcome.diagnostics.map(\.description) == [
            "test.csv:22: calldate \"2023/02/05 02:00\" is not YYYY-MM-DD HH:MM:SS",
            "test.csv:23: 13 values, expected 14 (the table's columns)",
        ])
        #expect(outcome.calls.map(\.callID) == ["1.0", "2.0", "5.0"])
        let queued = outcome.calls[0]
        #expect(queued.caller == "200")  // src empty: the number of clid "O'Brien" <200>
        #expect(queued.queue == "Support")
        #expect(queued.agent == "400")
        #expect(queued.answeredAt == utc("2023-02-05 00:09:16"))  // answer == start: end - billsec
        #expect(queued.format == "asterisk-sql")
        let busy = outcome.calls[1]
        #expect(busy.outcome == .busy)
        #expect(busy.answeredAt == nil)
        #expect(busy.legs.first?.destination == "1000")  // dstchannel NULL: dst
        #expect(outcome.calls[2].outcome == .noAnswer)
        #expect(outcome.calls[2].endedAt == utc("2023-02-05 04:00:05"))
    }

    @Test func unterminatedStringIsABadRecord() throws {
        let text = "CREATE TABLE `cdr` (\n  `calldate` datetime,\n  `duration` int,\n  `billsec` int,\n  `disposition` varchar(45),\n  `uniqueid` varchar(32)\n);\n"
            + "INSERT INTO `cdr` VALUES ('2023-02-05 00:09:12',1,1,'ANSWERED','1.0'),('2023-02-05 00:10:12',1,1,'ANSWERED','2.0\n"
        let outcome = try readAsterisk(AsteriskSQLReader(), text)
        #expect(outcome.calls.count == 1)
        #expect(outcome.diagnostics.map(\.description) == ["test.csv:8: unterminated quoted string: the values run to the end of the file"])
    }

    static let fiveColumns = "CREATE TABLE `cdr` (\n  `calldate` datetime,\n  `src` varchar(80),\n  `dst` varchar(80),\n  `duration` int,\n  `billsec` int,\n  `disposition` varchar(45),\n  `uniqueid` varchar(32)\n);\n"

    /// mysqldump writes a whole table in one INSERT: a malformed tuple is reported at its line
    /// and the tuples after it are still read.
    @Test func aMalformedTupleIsReportedAndTheRestOfTheStatementIsRead() throws {
        let text = Self.fiveColumns
            + "INSERT INTO `cdr` VALUES ('2023-02-05 00:09:13','200','300',5,3,'ANSWERED','1.1'),\n"
            + "('2023-02-05 00:10:13','201','300',5,3,'ANSWERED' '', '1.2'),\n"
            + "('2023-02-05 00:11:13','202','300',5,3,'ANSWERED','1.3'), ('2023-02-05 00:12:13','203','300',5,3,'ANSWERED','1.4');\n"
        let outcome = try readAsterisk(AsteriskSQLReader(), text)
        #expect(outcome.rows == 4)
        #expect(outcome.badRows == 1)
        #expect(outcome.diagnostics.map(\.description) == [
            "test.csv:11: malformed tuple: value 6 is followed by \"'', '1.2'),\" instead of \",\" or \")\"",
        ])
        #expect(outcome.calls.map(\.callID) == ["1.1", "1.3", "1.4"])
    }

    /// A stray quote in the junk (quotes out of step), junk at the statement's end, or junk where
    /// a tuple should open: each is one bad row, and reading goes on at the next tuple, or at the
    /// next INSERT (the recovery rule of `MySQLDumpScanner`, docs/cdr-formats.md).
    @Test func resynchronisesAfterStrayQuotesAndAtTheStatementEnd() throws {
        let text = Self.fiveColumns
            + "INSERT INTO `cdr` VALUES ('2023-02-05 00:09:13','200','300',5,3,'ANSWERED','1.1'),('2023-02-05 00:10:13','O'Brien','300',5,3,'ANSWERED','1.2'),"
            + "('2023-02-05 00:11:13','202','300',5,3,'A;B','1.3'),('2023-02-05 00:12:13','203','300',5,3,'ANSWERED','1.4');\n"
            + "INSERT INTO `cdr` VALUES ('2023-02-05 00:13:13','204','300',5,3,'ANSWERED' x);\n"
            + "INSERT INTO `cdr` VALUES ('2023-02-05 00:14:13','205','300',5,3,'ANSWERED','1.6'),oops;\n"
            + "INSERT INTO `cdr` VALUES ('2023-02-05 00:15:13','206','300',5,3,'ANSWERED','1.7');\n"
        let outcome = try readAsterisk(AsteriskSQLReader(), text)
        #expect(outcome.rows == 8)
        #expect(outcome.badRows == 3)
        #expect(outcome.diagnostics.map(\.description) == [
            "test.csv:10: malformed tuple: value 2 is followed by \"Brien','300',5,3,'ANSWERED','1.2'),('202...\" instead of \",\" or \")\"",
            "test.csv:11: malformed tuple: value 6 is followed by \"x);\" instead of \",\" or \")\"",
            "test.csv:12: malformed tuple: \"oops;\" where \"(\" should open a tuple",
        ])
        #expect(outcome.calls.map(\.callID) == ["1.1", "1.3", "1.4", "1.6", "1.7"])
    }

    /// mysqldump with `--databases` or a hand-made dump names the table `` `asterisk`.`cdr` ``,
    /// and `REPLACE INTO` / `INSERT IGNORE INTO` carry tuples like `INSERT INTO`.
    @Test func qualifiedTableNamesAndReplaceStatements() throws {
        let text = Self.fiveColumns.replacingOccurrences(of: "CREATE TABLE `cdr`", with: "CREATE TABLE `asterisk`.`cdr`")
            + "INSERT INTO `asterisk`.`cdr` VALUES ('2023-02-05 00:09:13','200','300',5,3,'ANSWERED','1.1');\n"
            + "REPLACE INTO `cdr` VALUES ('2023-02-05 00:10:13','201','300',5,0,'NO ANSWER','1.2');\n"
            + "INSERT IGNORE INTO asterisk.cdr VALUES ('2023-02-05 00:11:13','202','300',5,3,'ANSWERED','1.3');\n"
            + "INSERT INTO `asterisk`.`cdr_archive` VALUES ('2023-02-05 00:12:13','203','300',5,3,'ANSWERED','1.4');\n"
        let outcome = try readAsterisk(AsteriskSQLReader(), text)
        #expect(outcome.rows == 3 && outcome.badRows == 0)
        #expect(outcome.calls.map(\.callID) == ["1.1", "1.2", "1.3"])
        #expect(outcome.calls.map(\.outcome) == [.answered, .noAnswer, .answered])
    }

    @Test func withoutColumnNamesItThrows() {
        #expect(throws: CDRError.self) {
            _ = try readAsterisk(AsteriskSQLReader(), "INSERT INTO `cdr` VALUES ('2023-02-05 00:09:12',1,1,'ANSWERED','1.0');\n")
        }
        #expect(throws: CDRError(input: "test.csv", reason: "no asterisk-sql records (empty file)")) {
            _ = try readAsterisk(AsteriskSQLReader(), "-- nothing\n")
        }
    }

    @Test func detection() {
        #expect(AsteriskSQLReader.detect(CDRSample(bytes: Array(Self.dump.utf8))) > 50)
        #expect(AsteriskSQLReader.detect(CDRSample(bytes: Array("CREATE TABLE `queue_log` (\n".utf8))) < 50)
        #expect(AsteriskCSVReader.detect(CDRSample(bytes: Array(Self.dump.utf8))) < 50)
        #expect(AsteriskTableReader.detect(CDRSample(bytes: Array(Self.dump.utf8))) < 50)
    }
}
