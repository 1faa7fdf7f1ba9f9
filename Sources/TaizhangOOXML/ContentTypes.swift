import TaizhangCore

/// `[Content_Types].xml`: the media type of every part.
public struct ContentTypesPart {
    /// Media types of the parts Taizhang writes.
    public enum ContentType {
        public static let workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        public static let worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        public static let styles = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
        public static let sharedStrings = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
        public static let comments = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
        public static let core = "application/vnd.openxmlformats-package.core-properties+xml"
        public static let app = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
        public static let custom = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
        public static let relationships = "application/vnd.openxmlformats-package.relationships+xml"
        public static let vml = "application/vnd.openxmlformats-officedocument.vmlDrawing"
        public static let theme = "application/vnd.openxmlformats-officedocument.theme+xml"
        public static let document = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        public static let wordStyles = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
        public static let settings = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
        public static let fontTable = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
        public static let footer = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
    }

    public private(set) var overrides: [(part: String, type: String)] = []

    public init() {}

    /// Declares a part by its absolute name (`/xl/workbook.xml`).
    public mutating func add(part: String, type: String) { overrides.append((part, type)) }

    /// The part's XML.
    public func write() throws(ExportError) -> [UInt8] {
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
