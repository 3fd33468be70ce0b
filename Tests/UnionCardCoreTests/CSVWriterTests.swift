import Testing
import UnionCardCore

@Suite("CSV writer")
struct CSVWriterTests {
    @Test("plain fields as they are, CRLF at the end, nil as nothing")
    func plain() {
        #expect(
            String(decoding: CSVWriter.row(["a", "42", nil, "Nguyễn Văn An"]), as: UTF8.self)
                == "a,42,,Nguyễn Văn An\r\n")
    }

    @Test("commas, quotes, line breaks and empty text are quoted; quotes doubled")
    func quoting() {
        let row = CSVWriter.row(["Phở Thìn, Hà Nội", #"Cửa hàng "Bốn Mùa""#, "a\nb", "c\rd", "", nil])
        #expect(
            String(decoding: row, as: UTF8.self)
                == "\"Phở Thìn, Hà Nội\",\"Cửa hàng \"\"Bốn Mùa\"\"\",\"a\nb\",\"c\rd\",\"\",\r\n")
    }

    @Test("the byte order mark is EF BB BF")
    func bom() {
        #expect(CSVWriter.byteOrderMark == [0xEF, 0xBB, 0xBF])
    }
}
