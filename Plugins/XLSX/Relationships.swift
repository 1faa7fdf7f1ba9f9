import TaizhangCore

/// A relationships part (`_rels/.rels`, `xl/_rels/workbook.xml.rels`, `xl/worksheets/_rels/sheetN.xml.rels`).
struct RelationshipsPart {
    /// Relationship types used by the writer.
    enum RelationshipType {
        static let officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        static let coreProperties = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
        static let extendedProperties = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
        static let customProperties = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
        static let worksheet = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
        static let styles = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
        static let sharedStrings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
        static let comments = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
        static let vmlDrawing = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
        static let theme = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    }

    private(set) var relationships: [(id: String, type: String, target: String)] = []

    /// Adds a relationship and returns its id (`rId1`, `rId2`, …).
    @discardableResult
    mutating func add(type: String, target: String) -> String {
        let id = "rId\(relationships.count + 1)"
        relationships.append((id, type, target))
        return id
    }

    func write() throws(ExportError) -> [UInt8] {
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
