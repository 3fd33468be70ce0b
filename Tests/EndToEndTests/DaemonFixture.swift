import Foundation
import Synchronization
import TestSupport

/// A migrated database with a small registry covering every lookup outcome, keys issued with the
/// real `unioncardctl`, and the real `unioncardd` listening on a free loopback port.
final class DaemonFixture: @unchecked Sendable {
    // @unchecked: every stored property is a `let` of a Sendable or thread-safe type.
    let cluster: TemporaryPostgres
    let database: String
    let daemon: BackgroundProcess
    let client: HTTPTestClient
    /// Bearer secrets by name: coop, pho, stale, kind, auditor, revoked.
    let keys: [String: String]

    static let units = """
        code,name,level,parent_code
        TLD,Tổng Liên đoàn Lao động Việt Nam,confederation,
        HN,Liên đoàn Lao động Thành phố Hà Nội,provincial,TLD
        HCM,Liên đoàn Lao động Thành phố Hồ Chí Minh,provincial,TLD
        HN-01,Công đoàn Trường THPT Chu Văn An,grassroots,HN
        HCM-01,Công đoàn Công ty May Việt Tiến,grassroots,HCM
        """
    static let partners = """
        code,name,tax_code
        COOP,Saigon Co.op,0301175691
        PHO,"Phở Thìn, Hà Nội",0100000001
        STALE,Cửa hàng hết hạn,0100000002
        KIND,Ngân hàng liên kết,0100000003
        """
    static let members = """
        member_id,full_name,unit_code,member_status,card_number,vpoint_code,card_kind,card_status,issued_on
        DV1,Nguyễn Văn An,HN-01,active,100000000001,VPAN0001,regular,active,2024-01-10
        DV2,Trần Thị Bích Ngọc,HCM-01,active,100000000002,VPNGOC02,linked,active,2024-02-11
        DV3,Lê Văn Cường,HN-01,active,100000000003,VPCUONG3,regular,replaced,2020-03-01
        DV3,Lê Văn Cường,HN-01,active,100000000033,VPCUONG33,regular,active,2025-03-01
        DV4,Phạm Thị Dung,HN-01,active,100000000004,,regular,lost,2021-01-01
        DV5,Hoàng Văn Em,HN-01,active,100000000005,,regular,revoked,2021-01-01
        DV6,Vũ Thị Phương,HCM-01,suspended,100000000006,,regular,active,2022-01-01
        DV7,Đặng Văn Giang,HCM-01,ceased,100000000007,,linked,active,2022-01-01
        """
    static let agreements = """
        code,partner_code,unit_code,title,percent,max_discount_vnd,min_purchase_vnd,card_kinds,valid_from,valid_to
        A-COOP-ALL,COOP,TLD,Giảm 10% toàn quốc,10,100000,,any,2020-01-01,2099-12-31
        A-COOP-LINK,COOP,TLD,Thẻ liên kết: giảm 15%,15,,1000000,linked,2020-01-01,2099-12-31
        A-PHO-HN,PHO,HN,Ưu đãi Hà Nội,12.5,,50000,any,2020-01-01,2099-12-31
        A-STALE,STALE,TLD,Đã hết hạn,20,,,any,2020-01-01,2021-12-31
        A-KIND,KIND,TLD,Chỉ thẻ liên kết,5,,,linked,2020-01-01,2099-12-31
        """

    /// Starts everything; `cluster` defaults to the shared one (pass a private one to stop it).
    /// - Parameters:
    ///   - environment: extra variables for the daemon (e.g. NOTIFY_SOCKET).
    ///   - extraArguments: extra daemon flags (e.g. --config FILE).
    init(
        cluster: TemporaryPostgres? = nil, environment: [String: String] = [:], extraArguments: [String] = []
    ) throws {
        let cluster = try cluster ?? TemporaryPostgres.shared()
        self.cluster = cluster
        database = try cluster.createDatabase(prefix: "e2e")
        let owner = cluster.conninfo(database: database)
        func ctl(_ arguments: [String]) throws -> String {
            let output = try runProcess(
                BuildProducts.path(of: "unioncardctl"), ["--database", owner] + arguments, timeoutSeconds: 60)
            guard output.status == 0 else {
                throw FixtureError(description: "unioncardctl \(arguments) failed: \(output.stderr)")
            }
            return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try ctl(["migrate"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (kind, csv) in [
            ("units", Self.units), ("partners", Self.partners), ("members", Self.members),
            ("agreements", Self.agreements),
        ] {
            let file = directory.appendingPathComponent("\(kind).csv")
            try Data(csv.utf8).write(to: file)
            _ = try ctl(["import", kind, file.path])
        }
        var keys: [String: String] = [:]
        for partner in ["COOP", "PHO", "STALE", "KIND"] {
            keys[partner.lowercased()] = try ctl(["key", "issue", "--partner", partner, "--label", "till 1"])
        }
        keys["auditor"] = try ctl(["key", "issue", "--auditor", "HN", "--label", "kiểm toán"])
        let revoked = try ctl(["key", "issue", "--partner", "COOP", "--label", "old till"])
        keys["revoked"] = revoked
        let revokedID = revoked.split(separator: "_")[1]
        _ = try ctl(["key", "revoke", String(revokedID)])
        self.keys = keys

        daemon = try BackgroundProcess(
            BuildProducts.path(of: "unioncardd"),
            [
                "--listen", "127.0.0.1:0", "--database",
                cluster.conninfo(database: database, user: "unioncard_app"),
            ] + extraArguments,
            // Rate limit and lockout are off unless a test turns them on: most suites look up far
            // faster than a till does.
            environment: [
                "UNIONCARD_THREADS": "4", "UNIONCARD_DATABASE_POOL_SIZE": "4",
                "UNIONCARD_RATE_LIMIT_PER_MINUTE": "0",
                "UNIONCARD_LOCKOUT_THRESHOLD": "0",
            ].merging(environment) { $1 })
        guard let line = daemon.waitForStderr(containing: "msg=listening", timeoutSeconds: 30),
            let portText = line.split(separator: " ").first(where: { $0.hasPrefix("port=") })?.dropFirst(5),
            let port = Int(portText)
        else {
            _ = daemon.terminate(signal: SIGKILL, waitSeconds: 5)
            throw FixtureError(description: "unioncardd did not start")
        }
        client = HTTPTestClient(port: port)
        Self.running.withLock { $0.append(daemon) }
    }

    /// Daemons still running; suite-wide fixtures live until the test process exits, and a child
    /// process does not die with its parent, so they are killed at exit.
    private static let running: Mutex<[BackgroundProcess]> = {
        atexit {
            for daemon in DaemonFixture.running.withLock({ $0 }) {
                _ = daemon.terminate(signal: SIGKILL, waitSeconds: 5)
            }
        }
        return Mutex([])
    }()

    deinit {
        _ = daemon.terminate(signal: SIGTERM, waitSeconds: 10)
    }

    /// `GET /v1/lookup` with a key.
    func lookup(_ key: String, _ query: String) throws -> HTTPTestClient.Response {
        try client.send(
            "GET", "/v1/lookup?\(query)", headers: [("Authorization", "Bearer \(keys[key] ?? key)")])
    }

    /// Number of audit rows, read as the database owner.
    func auditCount() throws -> Int {
        Int(
            try cluster.psql("SELECT count(*) FROM audit_events", database: database)
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }
}
