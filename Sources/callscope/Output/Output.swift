import Foundation

/// Standard output: what a command prints is written here as bytes, unchanged.
enum Output {
    static func write(_ bytes: [UInt8]) { FileHandle.standardOutput.write(Data(bytes)) }
    static func write(_ text: String) { write(Array(text.utf8)) }
}
