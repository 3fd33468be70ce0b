import Foundation
import TestSupport

/// Helpers shared by the audit tests: the CLI, the auditors' Python script, CSV parsing.
enum AuditTools {
    /// The checkout this file belongs to.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `unioncardctl --database <conninfo> arguments…`.
    static func ctl(_ conninfo: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> ProcessOutput
    {
        try runProcess(
            BuildProducts.path(of: "unioncardctl"), ["--database", conninfo] + arguments,
            environment: environment,
            timeoutSeconds: 120)
    }

    /// Runs `unioncardctl` and returns its stdout, throwing when it fails.
    static func ctlOK(_ conninfo: String, _ arguments: [String]) throws -> String {
        let output = try ctl(conninfo, arguments)
        guard output.status == 0 else {
            throw DaemonFixture.FixtureError(
                description: "unioncardctl \(arguments) exited \(output.status): \(output.stderr)")
        }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `text` to a temporary file and runs `tools/verify-export.py` on it.
    static func verifyExport(_ text: String, arguments: [String] = []) throws -> ProcessOutput {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "export-\(UUID().uuidString)")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try runProcess(
            "python3", [repositoryRoot + "/tools/verify-export.py"] + arguments + [file.path],
            timeoutSeconds: 120)
    }

    /// RFC 4180 parsing: rows of fields; nil for an unquoted empty field (NULL), "" for `""`.
    static func parseCSV(_ text: String) -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var field = ""
        var quoted = false
        var inQuotes = false
        var characters = Array(text.unicodeScalars)[...]
        func endField() {
            row.append(field.isEmpty && !quoted ? nil : field)
            field = ""
            quoted = false
        }
        while let scalar = characters.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if characters.first == "\"" {
                        characters.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                inQuotes = true
                quoted = true
            case ",":
                endField()
            case "\r":
                continue
            case "\n":
                endField()
                rows.append(row)
                row = []
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || quoted || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
    }
}
