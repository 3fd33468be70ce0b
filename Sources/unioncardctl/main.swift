import Foundation
import PostgresClient
import UnionCardStore

// unioncardctl: the operator's tool. Secrets go to stdout alone; everything for humans to stderr.

let usage = """
    usage: unioncardctl [--database CONNINFO] COMMAND
      migrate [--migrations DIR]             apply pending sql/ migrations
      import units|members|partners|agreements FILE
      key issue --partner CODE --label TEXT  print a new merchant key on stdout
      key issue --auditor UNIT_CODE --label TEXT
      key list
      key bind-cert ID SHA256|none           accept key ID only with this TLS client certificate
      key revoke ID
    The database is --database, else UNIONCARD_DATABASE, else libpq's defaults (PGHOST, PGUSER, …).
    """

/// Writes a line for humans to standard error.
func say(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Exits with the usage text.
func usageError(_ problem: String) -> Never {
    say("unioncardctl: \(problem)\n\(usage)")
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())

/// Removes `--name VALUE` from the arguments and returns VALUE.
@MainActor func takeOption(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name) else { return nil }
    guard index + 1 < arguments.count else { usageError("\(name) needs a value") }
    let value = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
    return value
}

let conninfo = takeOption("--database") ?? ProcessInfo.processInfo.environment["UNIONCARD_DATABASE"] ?? ""

func connect() -> PostgresConnection {
    do {
        return try PostgresConnection(conninfo: conninfo)
    } catch {
        say("unioncardctl: cannot connect to the database: \(error)")
        exit(1)
    }
}

/// Runs `body`, printing failures for an operator and exiting 1.
func run(_ body: () throws -> Void) {
    do {
        try body()
    } catch let error as PostgresError {
        say("unioncardctl: \(error)" + (error.serverMessage.map { ": \($0)" } ?? ""))
        exit(1)
    } catch {
        say("unioncardctl: \(error)")
        exit(1)
    }
}

guard let command = arguments.first else { usageError("no command") }
arguments.removeFirst()

switch command {
case "migrate":
    let explicit = takeOption("--migrations")
    guard arguments.isEmpty else { usageError("unexpected \(arguments.joined(separator: " "))") }
    guard
        let directory = MigrationRunner.locateDirectory(
            explicit: explicit, executablePath: CommandLine.arguments[0])
    else {
        say("unioncardctl: no migrations found; pass --migrations DIR or set UNIONCARD_MIGRATIONS")
        exit(1)
    }
    let connection = connect()
    run {
        let applied = try MigrationRunner(directory: directory).apply(on: connection)
        say(applied.isEmpty ? "migrate: up to date" : "migrate: applied \(applied.joined(separator: ", "))")
    }

case "import":
    guard arguments.count == 2, let kind = Importer.Kind(rawValue: arguments[0]) else {
        usageError("import needs a kind (units|members|partners|agreements) and a FILE")
    }
    let file = arguments[1]
    let connection = connect()
    run {
        let started = Date()
        let summary = try Importer().importFile(file, as: kind, on: connection) { rows in
            say("import \(kind.rawValue): \(rows) rows read…")
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        let counts = summary.counts.map { "\($0.label): \($0.inserted) inserted, \($0.updated) updated" }
        say(
            "import \(kind.rawValue): \(summary.rows) rows in \(seconds) s; " + counts.joined(separator: "; ")
        )
    }

case "key":
    guard let subcommand = arguments.first else { usageError("key needs issue, list or revoke") }
    arguments.removeFirst()
    switch subcommand {
    case "issue":
        let partner = takeOption("--partner")
        let auditor = takeOption("--auditor")
        guard let label = takeOption("--label"), !label.isEmpty, arguments.isEmpty else {
            usageError("key issue needs --partner CODE or --auditor UNIT_CODE, and --label TEXT")
        }
        let owner: KeyStore.Owner
        switch (partner, auditor) {
        case (let code?, nil): owner = .partner(code)
        case (nil, let code?): owner = .auditor(code)
        default: usageError("key issue needs exactly one of --partner and --auditor")
        }
        let connection = connect()
        run {
            let credential = try KeyStore().issue(owner: owner, label: label, on: connection)
            say("key \(credential.id) issued; the secret is shown only now")
            print(credential.text)
        }
    case "list":
        let connection = connect()
        run {
            print("id\tkind\towner\tlabel\tcreated\tlast_used\trevoked")
            for key in try KeyStore().list(on: connection) {
                print(
                    "\(key.id)\t\(key.kind)\t\(key.owner)\t\(key.label)\t\(key.createdAt)\t\(key.lastUsedAt ?? "-")\t"
                        + (key.revokedAt ?? "-"))
            }
        }
    case "bind-cert":
        guard arguments.count == 2, let id = Int64(arguments[0]) else {
            usageError("key bind-cert needs a key ID and the certificate's SHA-256 (64 hex digits) or none")
        }
        let fingerprint = arguments[1].lowercased().replacingOccurrences(of: ":", with: "")
        let sha256: String? = fingerprint == "none" ? nil : fingerprint
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
            usageError("the certificate fingerprint must be 64 hex digits (SHA-256 of the DER)")
        }
        let connection = connect()
        run {
            guard try KeyStore().bindClientCertificate(id: id, sha256: sha256, on: connection) else {
                say("unioncardctl: no key \(id)")
                exit(1)
            }
            say(
                sha256 == nil
                    ? "key \(id) no longer bound to a certificate" : "key \(id) bound to its certificate")
        }
    case "revoke":
        guard arguments.count == 1, let id = Int64(arguments[0]) else {
            usageError("key revoke needs a key ID")
        }
        let connection = connect()
        run {
            guard try KeyStore().revoke(id: id, on: connection) else {
                say("unioncardctl: no key \(id)")
                exit(1)
            }
            say("key \(id) revoked")
        }
    default:
        usageError("unknown key command \(subcommand)")
    }

case "audit":
    runAudit(arguments, conninfo: conninfo)

default:
    usageError("unknown command \(command)")
}
