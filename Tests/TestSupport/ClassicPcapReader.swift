import Foundation

/// The records of a classic little-endian microsecond pcap (magic a1b2c3d4), read by hand so a
/// test can take real frames apart without the code under test: each record's time and bytes.
public enum ClassicPcapReader {
    public struct Record: Sendable {
        public var microseconds: Int64
        public var frame: [UInt8]
        /// The UDP payload of an Ethernet + IPv4 (no options) + UDP frame, as tcpdump writes them on `lo`.
        public var udpPayload: [UInt8] { frame.count > 42 ? Array(frame[42...]) : [] }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    public static func records(_ path: String) throws -> [Record] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func le32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        guard bytes.count >= 24, le32(0) == 0xA1B2_C3D4 else { throw Malformed(description: "\(path): not a little-endian microsecond pcap") }
        var records: [Record] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let captured = le32(offset + 8)
            guard offset + 16 + captured <= bytes.count else { throw Malformed(description: "\(path): record at byte \(offset) cut short") }
            records.append(Record(microseconds: Int64(le32(offset)) * 1_000_000 + Int64(le32(offset + 4)),
                                  frame: Array(bytes[(offset + 16)..<(offset + 16 + captured)])))
            offset += 16 + captured
        }
        return records
    }
}
