import TaizhangCore

/// `[Content_Types].xml`: the media type of every part.
struct ContentTypesPart {
    enum ContentType {
        static let workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        static let worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        static let styles = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
        static let sharedStrings = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
        static let comments = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
        static let core = "application/vnd.openxmlformats-package.core-properties+xml"
        static let app = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
        static let custom = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
        static let relationships = "application/vnd.openxmlformats-package.relationships+xml"
        static let vml = "application/vnd.openxmlformats-officedocument.vmlDrawing"
        static let theme = "application/vnd.openxmlformats-officedocument.theme+xml"
    }

    private(set) var overrides: [(part: String, type: String)] = []

    /// Declares a part by its absolute name (`/xl/workbook.xml`).
    mutating func add(part: String, type: String) { overrides.append((part, type)) }

    func write() throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("Types")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")
        for (ext, type) in [("rels", ContentType.relationships), ("xml", "application/xml"), ("vml", ContentType.vml)] {
            w.start("Default")
            w.attribute("Extension", ext)
            w.attribute("ContentType", type)
            w.end()
        }
        for o in overrides {
            w.start("Override")
            w.attribute("PartName", o.part)
            w.attribute("ContentType", o.type)
            w.end()
        }
        w.end()
        return try w.finish() ?? []
    }
}
