import CallModel
import Foundation
import Testing
@testable import Reports

/// `calls --jobs 2` writes its records on a thread of their own (`CallRecordWriter`): the same
/// bytes, in the same order, as writing them on the reading thread.
@Suite struct CallRecordWriterTests {
    /// More calls than the batches that may wait (depth x batch size), so the reading side also
    /// waits for the writer; each call different (its Call-ID and start), so order shows.
    static let calls: [Call] = (0..<(CallRecordWriter.batchSize * CallRecordWriter.depth * 2 + 17)).map { i in
        var call = CallRecordEncodingTests.call()
        call.callID = "call-\(i)"
        call.start = Timestamp(nanoseconds: call.start.nanoseconds + Int64(i) * 1_000_000_000)
        return call
    }

    /// The output of `calls` through one writer, and how many chunks `write` was given.
    static func written(_ format: RecordStream.Format, threaded: Bool, zone: String?) -> (bytes: [UInt8], chunks: Int) {
        let time = SiteTime(zone: zone.flatMap(TimeZone.init(identifier:)))
        let output = Output()
        let writer = CallRecordWriter(format: format, header: CallRecord.scalarFields(time: time), detail: format != .csv,
                                      time: time, threaded: threaded, write: output.append)
        for call in calls { writer.append(call) }
        writer.finish()
        return (output.bytes, output.chunks)
    }

    final class Output: @unchecked Sendable {
        var bytes: [UInt8] = []
        var chunks = 0
        func append(_ chunk: [UInt8]) {
            bytes += chunk
            chunks += 1
        }
    }

    @Test(arguments: [RecordStream.Format.ndjson, .json, .csv], [nil, "Europe/London"])
    func threadedWritesTheSameBytes(_ format: RecordStream.Format, _ zone: String?) throws {
        let direct = Self.written(format, threaded: false, zone: zone)
        let threaded = Self.written(format, threaded: true, zone: zone)
        #expect(threaded.bytes == direct.bytes)
        #expect(threaded.chunks == direct.chunks)
        // Every call, in order: the Call-IDs as written.
        let text = String(decoding: threaded.bytes, as: UTF8.self)
        let ids = Self.calls.map(\.callID)
        var cursor = text.startIndex
        for id in ids {
            let found = try #require(text.range(of: format == .csv ? id + "," : "\"\(id)\"", range: cursor..<text.endIndex), "\(id) missing or out of order")
            cursor = found.upperBound
        }
    }

    /// No call: only what the format writes for none (the CSV header, an empty JSON array).
    @Test func noCallWritesTheEmptyDocument() {
        for threaded in [false, true] {
            let output = Output()
            let writer = CallRecordWriter(format: .json, header: [], detail: true, time: .utc, threaded: threaded, write: output.append)
            writer.finish()
            #expect(String(decoding: output.bytes, as: UTF8.self) == "[]\n")
        }
    }
}
