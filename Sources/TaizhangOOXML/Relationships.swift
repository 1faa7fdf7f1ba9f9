import TaizhangCore

/// A relationships part (`_rels/.rels`, `xl/_rels/workbook.xml.rels`, `xl/worksheets/_rels/sheetN.xml.rels`).
public struct RelationshipsPart {
    /// Relationship types used by the writer.
    public enum RelationshipType {
        public static let officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        public static let coreProperties = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
        public static let extendedProperties = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
        public static let customProperties = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
        public static let worksheet = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
        public static let styles = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
        public static let sharedStrings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
        public static let comments = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
        public static let vmlDrawing = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
        public static let theme = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
        public static let settings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
        public static let fontTable = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
        public static let footer = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
    }

    public private(set) var relationships: [(id: String, type: String, target: String)] = []

    public init() {}

    /// Adds a relationship and returns its id (`rId1`, `rId2`, …).
    @discardableResult
    public mutating func add(type: String, target: String) -> String {
        let id = "rId\(relationships.count + 1)"
        relationships.append((id, type, target))
        return id
    }

    /// The part's XML.
    public func write() throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("Relationships")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/package/2006/relationships")
        for r in relationships {
            w.start("Relationship")
            w.attribute("Id", r.id)
            w.attribute("Type", r.type)
            w.attribute("Target", r.target)
            w.end()
        }
        w.end()
        return try w.finish() ?? []
    }
}
