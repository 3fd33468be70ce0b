import Foundation

/// Where the package's built executables (`unioncardd`, `unioncardctl`) are.
public enum BuildProducts {
    /// The directory holding the built executables: `UNIONCARD_BIN_DIR` when set, else the
    /// directory holding the running test bundle (on Linux the `*.xctest` executable sits in
    /// `.build/<configuration>` next to the executables).
    public static var directory: String {
        if let directory = ProcessInfo.processInfo.environment["UNIONCARD_BIN_DIR"], !directory.isEmpty {
            return directory
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return URL(fileURLWithPath: bundle.bundlePath).deletingLastPathComponent().path
        }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? "."
        var url = URL(fileURLWithPath: executable).standardizedFileURL
        // A macOS bundle: …/Foo.xctest/Contents/MacOS/Foo → the directory holding Foo.xctest.
        while url.pathComponents.count > 1 {
            if url.lastPathComponent.hasSuffix(".xctest") {
                return url.deletingLastPathComponent().path
            }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// The path of the built executable `executable` (it may not exist if it was not built).
    public static func path(of executable: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(executable).path
    }
}
