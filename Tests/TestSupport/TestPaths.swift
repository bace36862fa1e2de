import Foundation

/// Where the package's own fixtures are: the package root (the current directory of
/// `swift test`), the bundled `captures/` and `cdr-samples/`.
public enum TestPaths {
    /// The package root, three levels above this file (`Tests/TestSupport/TestPaths.swift`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `captures/`: the sample captures made with real stacks (captures/README.md).
    public static let captures = root.appendingPathComponent("captures")
    /// `cdr-samples/`: the hand-made CDR files and their sidecars (cdr-samples/README.md).
    public static let cdrSamples = root.appendingPathComponent("cdr-samples")

    /// The path of `captures/<name>`.
    public static func capture(_ name: String) -> String { captures.appendingPathComponent(name).path }
    /// The path of `cdr-samples/<name>`.
    public static func cdrSample(_ name: String) -> String { cdrSamples.appendingPathComponent(name).path }
}
