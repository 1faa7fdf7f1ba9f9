import TaizhangCore
import TaizhangZip

/// The namespaces of SpreadsheetML elements: Transitional and Strict.
enum OOXMLNamespace {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let strictMain = "http://purl.oclc.org/ooxml/spreadsheetml/main"
}

/// One relationship of a part.
struct Relationship {
    var id: String
    var type: String
    var target: String
    var isExternal: Bool

    /// Whether the type ends with `/kind` (Transitional and Strict types differ only before it).
    func isType(_ kind: String) -> Bool {
        type.hasSuffix("/" + kind)
    }
}

/// Part names and relationship targets.
enum PartNames {
    /// The folder of a part (`xl/` for `xl/workbook.xml`, empty for a root part).
    static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    /// The relationships part of `part` (`xl/_rels/workbook.xml.rels`); `_rels/.rels` for the package.
    static func relationshipsPart(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "_rels/\(part).rels" }
        return "\(part[...slash])_rels/\(part[part.index(after: slash)...]).rels"
    }

    /// Resolves a target against the folder of its source part: absolute targets (`/xl/...`) from the
    /// package root, `.` and `..` segments removed, backslashes as separators.
    static func resolve(_ target: String, from sourcePart: String) -> String {
        let slashed = ZipReader.slashed(target)
        let joined = slashed.hasPrefix("/") ? slashed : folder(of: sourcePart) + slashed
        var segments: [Substring] = []
        for segment in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { if !segments.isEmpty { segments.removeLast() }; continue }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }
}

/// Reads the small parts of a package: relationships, content types, workbook, custom properties,
/// shared strings and styles.
struct PackageParts {
    let zip: ZipReader
    let fileName: String

    func reader(for name: String) throws -> XMLReader? {
        guard let entry = zip.entry(named: name) else { return nil }
        return try XMLReader(stream: ZipError.mapped { try zip.open(entry) }, fileName: fileName)
    }

    /// The relationships of `part` (empty when it has none).
    func relationships(of part: String) throws -> [Relationship] {
        guard let x = try reader(for: PartNames.relationshipsPart(of: part)) else { return [] }
        let relationship = x.intern("Relationship"), idName = x.intern("Id"), typeName = x.intern("Type")
        let targetName = x.intern("Target"), modeName = x.intern("TargetMode")
        var result: [Relationship] = []
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue, x.localName == relationship else { continue }
            var id = "", type = "", target = "", external = false
            x.forEachAttribute { name, _, value in
                if name == idName { id = String(cString: value) }
                else if name == typeName { type = String(cString: value) }
                else if name == targetName { target = String(cString: value) }
                else if name == modeName { external = String(cString: value) == "External" }
            }
            result.append(Relationship(id: id, type: type, target: target, isExternal: external))
        }
        return result
    }

    /// The `[Content_Types].xml` overrides: part name (without leading `/`) → content type.
    func contentTypeOverrides() throws -> [String: String]? {
        guard let x = try reader(for: "[Content_Types].xml") else { return nil }
        let override = x.intern("Override"), partName = x.intern("PartName"), contentType = x.intern("ContentType")
        var result: [String: String] = [:]
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue, x.localName == override else { continue }
            var part = "", type = ""
            x.forEachAttribute { name, _, value in
                if name == partName { part = String(cString: value) }
                else if name == contentType { type = String(cString: value) }
            }
            result[PartNames.resolve(part, from: "")] = type
        }
        return result
    }

    /// Custom document properties (name → text of the value).
    func customProperties(_ part: String) throws -> [String: String] {
        guard let x = try reader(for: part) else { return [:] }
        let property = x.intern("property"), nameName = x.intern("name")
        var result: [String: String] = [:]
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue, x.localName == property else { continue }
            guard let name = x.attribute(nameName) else { try x.skipElement(); continue }
            result[name] = try x.text()
        }
        return result
    }

    /// The workbook's sheets (name, hidden state, relationship id) and date system.
    func workbook(_ part: String) throws -> (sheets: [(info: SheetInfo, relationship: String)], system: ExcelDateSystem) {
        guard let x = try reader(for: part) else {
            throw ImportError(.malformed, file: fileName, detail: "缺少工作簿部件", place: part)
        }
        let names = MainNames(x)
        let sheet = x.intern("sheet"), workbookPr = x.intern("workbookPr"), date1904 = x.intern("date1904")
        let nameName = x.intern("name"), stateName = x.intern("state"), idName = x.intern("id")
        var sheets: [(SheetInfo, String)] = []
        var system = ExcelDateSystem.system1900
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue, names.isMain(x.namespaceURI) else { continue }
            let local = x.localName
            if local == sheet {
                var name = "", hidden = false, relationship = ""
                x.forEachAttribute { attribute, namespace, value in
                    if attribute == nameName, namespace == nil { name = String(cString: value) }
                    else if attribute == stateName { hidden = String(cString: value) != "visible" }
                    else if attribute == idName, namespace != nil { relationship = String(cString: value) }
                }
                sheets.append((SheetInfo(name: name, isHidden: hidden), relationship))
            } else if local == workbookPr {
                if let value = x.attribute(date1904), value == "1" || value.lowercased() == "true" {
                    system = .system1904
                }
            }
        }
        return (sheets.map { (info: $0.0, relationship: $0.1) }, system)
    }

    /// The shared-string table: the first few MiB of text in memory, the rest in an unlinked temporary file
    /// (``SharedStringTable``); what its memory grows with is 4 bytes per string.
    func sharedStrings(_ part: String, residentBudget: Int = SharedStringTable.defaultResidentBudget,
                       spillDirectory: String? = nil) throws -> SharedStringTable {
        let table = SharedStringTable(fileName: fileName, residentBudget: residentBudget, spillDirectory: spillDirectory)
        guard let x = try reader(for: part) else { return table }
        let names = MainNames(x)
        let si = x.intern("si"), sst = x.intern("sst"), rPh = x.intern("rPh"), t = x.intern("t")
        let uniqueCount = x.intern("uniqueCount")
        x.recordAttributes(only: ["sst", "t"])  // <t>: its xml:space
        while try x.read() {
            guard x.kind == XMLReader.Kind.element.rawValue, names.isMain(x.namespaceURI) else { continue }
            let local = x.localName
            if local == si {
                try x.withStringItem(text: t, skipping: rPh) { bytes in
                    if bytes.count >= 7, OOXMLEscapes.containsEscape(bytes) {
                        try table.append(OOXMLEscapes.string(bytes))
                    } else {
                        try table.append(bytes)
                    }
                }
            } else if local == sst, let count = x.attribute(uniqueCount).flatMap({ Int($0) }), count > 0 {
                table.reserveCapacity(min(count, 1 << 20))
            }
        }
        try table.finish()
        return table
    }

    /// Whether each cell style (`cellXfs` index) shows numbers as dates.
    func dateStyles(_ part: String) throws -> [Bool] {
        guard let x = try reader(for: part) else { return [] }
        let names = MainNames(x)
        let numFmt = x.intern("numFmt"), cellXfs = x.intern("cellXfs"), xf = x.intern("xf")
        let numFmtId = x.intern("numFmtId"), formatCode = x.intern("formatCode")
        var customDate: [Int: Bool] = [:]
        var styles: [Bool] = []
        var inCellXfs = false
        while try x.read() {
            let kind = x.kind
            if kind == XMLReader.Kind.endElement.rawValue {
                if x.localName == cellXfs { inCellXfs = false }
                continue
            }
            guard kind == XMLReader.Kind.element.rawValue, names.isMain(x.namespaceURI) else { continue }
            let local = x.localName
            if local == numFmt {
                var id: Int?, code = ""
                x.forEachAttribute { name, _, value in
                    if name == numFmtId { id = Int(String(cString: value)) }
                    else if name == formatCode { code = String(cString: value) }
                }
                if let id { customDate[id] = NumberFormats.isDateFormatCode(code) }
            } else if local == cellXfs {
                inCellXfs = !x.isEmptyElement
            } else if local == xf, inCellXfs {
                let id = x.attribute(numFmtId).flatMap { Int($0) } ?? 0
                styles.append(customDate[id] ?? NumberFormats.isBuiltinDate(id))
            }
        }
        return styles
    }
}

/// Interned SpreadsheetML namespace URIs of one reader.
struct MainNames {
    let main: XMLReader.Name
    let strict: XMLReader.Name

    init(_ x: XMLReader) {
        main = x.intern(OOXMLNamespace.main)
        strict = x.intern(OOXMLNamespace.strictMain)
    }

    /// Whether an element's namespace is SpreadsheetML (or none, as some writers leave it).
    @inline(__always)
    func isMain(_ namespace: XMLReader.Name) -> Bool {
        namespace == main || namespace == strict || namespace == nil
    }
}
