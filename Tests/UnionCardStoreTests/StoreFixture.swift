import Foundation
import PostgresClient
import TestSupport
import UnionCardStore

/// A fresh, migrated database in the shared throwaway cluster.
struct StoreFixture {
    let cluster: TemporaryPostgres
    let database: String
    let connection: PostgresConnection

    /// The checkout this test file belongs to.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// The repository's `sql/` folder.
    static let migrationsDirectory = repositoryRoot + "/sql"

    init(migrated: Bool = true) throws {
        cluster = try TemporaryPostgres.shared()
        database = try cluster.createDatabase(prefix: "store")
        connection = try PostgresConnection(conninfo: cluster.conninfo(database: database))
        if migrated {
            _ = try MigrationRunner(directory: Self.migrationsDirectory).apply(on: connection)
        }
    }

    /// Imports CSV text.
    @discardableResult
    func load(_ kind: Importer.Kind, _ csv: String) throws -> Importer.Summary {
        try Importer().importBytes(Array(csv.utf8), as: kind, on: connection)
    }

    /// One integer from a query.
    func count(_ sql: String) throws -> Int {
        try connection.query(sql).rows[0].decode(Int.self, at: 0)
    }

    /// Loads a small registry: confederation, two provinces, grassroots unions, one partner each.
    func loadSampleRegistry() throws {
        try load(
            .units,
            """
            code,name,level,parent_code
            TLD,Tổng Liên đoàn Lao động Việt Nam,confederation,
            HN,Liên đoàn Lao động Hà Nội,provincial,TLD
            HCM,"Liên đoàn Lao động TP. Hồ Chí Minh",provincial,TLD
            HN-GD,Công đoàn ngành Giáo dục Hà Nội,upper,HN
            HN-GD-01,Công đoàn Trường THPT Chu Văn An,grassroots,HN-GD
            HCM-01,Công đoàn Công ty May Việt Tiến,grassroots,HCM
            """)
        try load(
            .partners,
            """
            code,name,tax_code
            COOP,Saigon Co.op,0301175691
            PHO,"Phở Thìn, Hà Nội",0100000001
            """)
        try load(
            .members,
            """
            member_id,full_name,unit_code,member_status,card_number,vpoint_code,card_kind,card_status,issued_on
            DV1,Nguyễn Văn An,HN-GD-01,active,100000000001,VPAN0001,regular,active,2024-01-10
            DV2,Trần Thị Bích Ngọc,HCM-01,active,100000000002,VPNGOC02,linked,active,2024-02-11
            DV3,Lê Văn Cường,HCM-01,suspended,100000000003,,regular,active,
            """)
        try load(
            .agreements,
            """
            code,partner_code,unit_code,title,percent,max_discount_vnd,min_purchase_vnd,card_kinds,valid_from,valid_to
            A-TLD-COOP,COOP,TLD,Giảm giá toàn quốc,10,100000,,any,2020-01-01,2099-12-31
            A-HN-PHO,PHO,HN,Ưu đãi Hà Nội,12.5,,50000,any,2020-01-01,2099-12-31
            """)
    }
}
