import TaizhangCore

/// The document property parts: `docProps/core.xml`, `docProps/app.xml` and `docProps/custom.xml`.
enum DocPropsPart {
    static func core(_ p: DocumentProperties) throws(ExportError) -> [UInt8] {
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

    static func app(_ p: DocumentProperties, sheetNames: [String]) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("Properties")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")
        w.attribute("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes")
        w.element("Application", "Microsoft Excel")
        w.element("DocSecurity", "0")
        w.element("ScaleCrop", "false")
        w.start("HeadingPairs")
        w.start("vt:vector"); w.attribute("size", 2); w.attribute("baseType", "variant")
        w.start("vt:variant"); w.element("vt:lpstr", "工作表"); w.end()
        w.start("vt:variant"); w.element("vt:i4", String(sheetNames.count)); w.end()
        w.end()
        w.end()
        w.start("TitlesOfParts")
        w.start("vt:vector"); w.attribute("size", sheetNames.count); w.attribute("baseType", "lpstr")
        for name in sheetNames { w.element("vt:lpstr", name) }
        w.end()
        w.end()
        if let company = p.company { w.element("Company", company) }
        w.element("LinksUpToDate", "false")
        w.element("SharedDoc", "false")
        w.element("HyperlinksChanged", "false")
        w.element("AppVersion", "16.0300")
        w.end()
        return try w.finish() ?? []
    }

    /// Custom text properties (`taizhang.form` …), in name order.
    static func custom(_ properties: [String: String]) throws(ExportError) -> [UInt8] {
        let w = try XMLWriter()
        w.start("Properties")
        w.attribute("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties")
        w.attribute("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes")
        for (i, name) in properties.keys.sorted().enumerated() {
            w.start("property")
            w.attribute("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
            w.attribute("pid", i + 2)
            w.attribute("name", name)
            w.element("vt:lpwstr", ExcelText.escape(properties[name]!))
            w.end()
        }
        w.end()
        return try w.finish() ?? []
    }
}
