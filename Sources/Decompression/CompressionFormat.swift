/// A compression format read transparently, recognised by its magic number (not by the file
/// name), as tshark and Wireshark's file readers do.
///
/// - gzip: RFC 1952 §2.3.1 (ID1 ID2 = 1f 8b); several members one after the other are one file,
///   as `cat a.gz b.gz` and `gzip` itself treat them.
/// - xz: the .xz file format §2.1.1.1 (header magic fd 37 7a 58 5a 00); concatenated streams too.
/// - Zstandard: RFC 8878 §3.1.1 (frame magic 28 b5 2f fd, little-endian 0xFD2FB528); several frames too.
public enum CompressionFormat: String, Sendable, Hashable, CaseIterable {
    case gzip
    case xz
    case zstd

    /// The magic number a file of this format starts with.
    public var magic: [UInt8] {
        switch self {
        case .gzip: return [0x1F, 0x8B]
        case .xz: return [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
        case .zstd: return [0x28, 0xB5, 0x2F, 0xFD]
        }
    }

    /// The usual file-name suffix (`gz`, `xz`, `zst`), for messages and input discovery.
    public var fileExtension: String {
        switch self {
        case .gzip: return "gz"
        case .xz: return "xz"
        case .zstd: return "zst"
        }
    }

    /// The format whose magic number `head` (the first bytes of a file) starts with, or nil.
    public static func detect(_ head: some Collection<UInt8>) -> CompressionFormat? {
        allCases.first { head.starts(with: $0.magic) }
    }

    /// The longest magic number: how many bytes ``detect(_:)`` needs.
    public static let magicLength = 6

    /// `name` without a compression suffix (`trace.pcap.gz` -> `trace.pcap`), for rules that go
    /// by the name of what is inside.
    public static func strippingSuffix(_ name: String) -> String {
        for format in allCases where name.lowercased().hasSuffix("." + format.fileExtension) {
            return String(name.dropLast(format.fileExtension.count + 1))
        }
        return name
    }
}
