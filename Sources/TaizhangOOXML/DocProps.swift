import TaizhangCore

/// Document properties: core (title, author) and custom (name → text).
public struct DocumentProperties: Hashable, Sendable {
    public var title: String?
    public var subject: String?
    public var creator: String
    public var company: String?
    /// The creation time (`2024-06-01T00:00:00Z`); left out when `nil`, so output is reproducible.
    public var created: String?
    /// Custom text properties, written in name order.
    public var custom: [String: String]

    public init(title: String? = nil, subject: String? = nil, creator: String = "台账（Taizhang）",
                company: String? = nil, created: String? = nil, custom: [String: String] = [:]) {
        self.title = title
        self.subject = subject
        self.creator = creator
        self.company = company
        self.created = created
        self.custom = custom
    }
}

/// The document property parts of any OOXML package: `docProps/core.xml`, `docProps/app.xml` and
/// `docProps/custom.xml`.
public enum DocPropsPart {
    /// `docProps/core.xml`: title, subject, author and (when set) the creation time.
    public static func core(_ p: DocumentProperties) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("cp:coreProperties")
        w.attribute("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties")
        w.attribute("xmlns:dc", "http://purl.org/dc/elements/1.1/")
        w.attribute("xmlns:dcterms", "http://purl.org/dc/terms/")
        w.attribute("xmlns:dcmitype", "http://purl.org/dc/dcmitype/")
        w.attribute("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        if let title = p.title { w.element("dc:title", title) }
        if let subject = p.subject { w.element("dc:subject", subject) }
        w.element("dc:creator", p.creator)
        w.element("cp:lastModifiedBy", p.creator)
        if let created = p.created {
            for name: StaticString in ["dcterms:created", "dcterms:modified"] {
                w.start(name)
                w.attribute("xsi:type", "dcterms:W3CDTF")
                w.text(created)
                w.end()
            }
        }
        w.end()
        return try w.finish() ?? []
    }

    /// The titles of a package's parts as `docProps/app.xml` lists them: a heading (`工作表`) and the names.
    public struct PartTitles: Sendable {
        public var heading: String
        public var names: [String]
        public init(heading: String, names: [String]) {
            self.heading = heading
            self.names = names
        }
    }

    /// `docProps/app.xml`: the application that wrote the package (`Microsoft Excel`), the titles of its parts
    /// where it lists them (a workbook's sheets), the company and the application version.
    public static func app(_ p: DocumentProperties, application: String, titles: PartTitles?,
                           appVersion: String) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("Properties")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")
        w.attribute("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes")
        w.element("Application", application)
        w.element("DocSecurity", "0")
        w.element("ScaleCrop", "false")
        if let titles {
            w.start("HeadingPairs")
            w.start("vt:vector"); w.attribute("size", 2); w.attribute("baseType", "variant")
            w.start("vt:variant"); w.element("vt:lpstr", titles.heading); w.end()
            w.start("vt:variant"); w.element("vt:i4", String(titles.names.count)); w.end()
            w.end()
            w.end()
            w.start("TitlesOfParts")
            w.start("vt:vector"); w.attribute("size", titles.names.count); w.attribute("baseType", "lpstr")
            for name in titles.names { w.element("vt:lpstr", name) }
            w.end()
            w.end()
        }
        if let company = p.company { w.element("Company", company) }
        w.element("LinksUpToDate", "false")
        w.element("SharedDoc", "false")
        w.element("HyperlinksChanged", "false")
        w.element("AppVersion", appVersion)
        w.end()
        return try w.finish() ?? []
    }

    /// Custom text properties (`taizhang.form` …), in name order; `escape` makes each value safe for the
    /// format (a workbook's `_xHHHH_` escapes).
    public static func custom(_ properties: [String: String],
                              escape: (String) -> String = { $0 }) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("Properties")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties")
        w.attribute("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes")
        for (i, name) in properties.keys.sorted().enumerated() {
            w.start("property")
            w.attribute("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
            w.attribute("pid", i + 2)
            w.attribute("name", name)
            w.element("vt:lpwstr", escape(properties[name]!))
            w.end()
        }
        w.end()
        return try w.finish() ?? []
    }
}
