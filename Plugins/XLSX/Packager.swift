import TaizhangCore
import TaizhangOOXML
import TaizhangZip

/// Assembles a workbook's parts into the .xlsx package: finishes the streamed sheet and shared-string
/// files, writes the small parts in memory, and hands everything to ``ZipWriter``.
struct Packager {
    let workbook: Workbook
    let compressionLevel: UInt32

    func write(to path: String) throws(ExportError) {
        let book = workbook
        if book.sheets.isEmpty { throw ExportError("工作簿中没有工作表") }
        if book.sheets.allSatisfy(\.isHidden) { throw ExportError("工作簿中至少要有一张可见的工作表") }

        var types = ContentTypesPart()
        var rootRels = RelationshipsPart()
        var bookRels = RelationshipsPart()
        var entries: [(name: String, content: Entry)] = []

        rootRels.add(type: RelationshipsPart.RelationshipType.officeDocument, target: "xl/workbook.xml")
        rootRels.add(type: RelationshipsPart.RelationshipType.coreProperties, target: "docProps/core.xml")
        rootRels.add(type: RelationshipsPart.RelationshipType.extendedProperties, target: "docProps/app.xml")
        types.add(part: "/xl/workbook.xml", type: ContentTypesPart.ContentType.workbook)
        types.add(part: "/docProps/core.xml", type: ContentTypesPart.ContentType.core)
        types.add(part: "/docProps/app.xml", type: ContentTypesPart.ContentType.app)
        if !book.properties.custom.isEmpty {
            rootRels.add(type: RelationshipsPart.RelationshipType.customProperties, target: "docProps/custom.xml")
            types.add(part: "/docProps/custom.xml", type: ContentTypesPart.ContentType.custom)
        }

        var sheetRelationshipIds: [String] = []
        var drawings = 0
        for (i, sheet) in book.sheets.enumerated() {
            let number = i + 1
            sheetRelationshipIds.append(bookRels.add(
                type: RelationshipsPart.RelationshipType.worksheet, target: "worksheets/sheet\(number).xml"))
            types.add(part: "/xl/worksheets/sheet\(number).xml", type: ContentTypesPart.ContentType.worksheet)
            var legacy: String?
            if !sheet.comments.isEmpty {
                drawings += 1
                var sheetRels = RelationshipsPart()
                sheetRels.add(type: RelationshipsPart.RelationshipType.comments, target: "../comments\(drawings).xml")
                legacy = sheetRels.add(type: RelationshipsPart.RelationshipType.vmlDrawing,
                                       target: "../drawings/vmlDrawing\(drawings).vml")
                types.add(part: "/xl/comments\(drawings).xml", type: ContentTypesPart.ContentType.comments)
                entries.append(("xl/worksheets/_rels/sheet\(number).xml.rels", .bytes(try sheetRels.write())))
                let comments = book.temporaryDirectory + "/comments\(drawings).xml"
                let vml = book.temporaryDirectory + "/vmlDrawing\(drawings).vml"
                try CommentsPart.comments(sheet.comments, to: comments)
                try CommentsPart.vml(sheet.comments, drawingNumber: drawings, to: vml)
                entries.append(("xl/comments\(drawings).xml", .file(comments)))
                entries.append(("xl/drawings/vmlDrawing\(drawings).vml", .file(vml)))
            }
            try sheet.finish(legacyDrawingRelationship: legacy)
            entries.append(("xl/worksheets/sheet\(number).xml", .file(sheet.path)))
        }
        bookRels.add(type: RelationshipsPart.RelationshipType.theme, target: "theme/theme1.xml")
        types.add(part: "/xl/theme/theme1.xml", type: ContentTypesPart.ContentType.theme)
        bookRels.add(type: RelationshipsPart.RelationshipType.styles, target: "styles.xml")
        bookRels.add(type: RelationshipsPart.RelationshipType.sharedStrings, target: "sharedStrings.xml")
        types.add(part: "/xl/styles.xml", type: ContentTypesPart.ContentType.styles)
        types.add(part: "/xl/sharedStrings.xml", type: ContentTypesPart.ContentType.sharedStrings)
        try book.sharedStrings.finish()

        do {
            let zip = try ZipWriter(path: path, compressionLevel: compressionLevel)
            try zip.addData(name: "[Content_Types].xml", bytes: try types.write())
            try zip.addData(name: "_rels/.rels", bytes: try rootRels.write())
            try zip.addData(name: "docProps/app.xml", bytes: try DocPropsPart.app(
                book.properties, application: "Microsoft Excel",
                titles: .init(heading: "工作表", names: book.sheets.map(\.name)), appVersion: "16.0300"))
            try zip.addData(name: "docProps/core.xml", bytes: try DocPropsPart.core(book.properties))
            if !book.properties.custom.isEmpty {
                try zip.addData(name: "docProps/custom.xml", bytes: try DocPropsPart.custom(book.properties.custom, escape: ExcelText.escape))
            }
            try zip.addData(name: "xl/workbook.xml", bytes: try WorkbookPart.write(book, sheetRelationships: sheetRelationshipIds))
            try zip.addData(name: "xl/_rels/workbook.xml.rels", bytes: try bookRels.write())
            try zip.addData(name: "xl/theme/theme1.xml", bytes: try ThemePart.write())
            try zip.addData(name: "xl/styles.xml", bytes: try book.styles.write())
            try zip.addFile(name: "xl/sharedStrings.xml", path: book.sharedStrings.path)
            for entry in entries {
                switch entry.content {
                case .bytes(let bytes): try zip.addData(name: entry.name, bytes: bytes)
                case .file(let file): try zip.addFile(name: entry.name, path: file)
                }
            }
            try zip.close()
        } catch let error as ZipError {
            throw ExportError(error.detail)
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError("无法写入工作簿“\(path)”")
        }
    }

    private enum Entry {
        case bytes([UInt8])
        case file(String)
    }
}
