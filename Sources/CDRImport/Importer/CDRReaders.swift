/// Every CDR reader, in detection order (ties go to the earlier one).
public enum CDRReaders {
    public static let all: [any CDRReader.Type] = [
        AsteriskCSVReader.self, AsteriskCustomReader.self, AsteriskTableReader.self, AsteriskSQLReader.self,
        QueueLogReader.self, QueueLogSQLReader.self,
        FreeSWITCHCSVReader.self, FreeSWITCHJSONReader.self,
        CUCMReader.self, KamailioAccReader.self, MappedCSVReader.self,
    ]

    /// The reader of `format`.
    public static func reader(for format: CDRFormat) -> any CDRReader.Type {
        all.first { $0.format == format } ?? MappedCSVReader.self
    }
}
