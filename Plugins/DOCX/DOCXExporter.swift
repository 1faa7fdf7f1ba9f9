import Foundation
import TaizhangCore
import TaizhangOOXML
import TaizhangZip

/// Writes official documents as Word files (.docx) in the layout of GB/T 9704-2012: the memo model the
/// plain-text plugin renders (``OfficialDocument``), laid out by ``DocumentPart`` on the page and grid of
/// ``OfficialLayout``.
public struct DOCXExporter: DocumentExporter {
    /// The page, grid and fonts.
    public var layout: OfficialLayout
    /// The words a title is never split inside (besides the document's own names).
    public var titleWords: [String]

    public init(layout: OfficialLayout = OfficialLayout(), titleWords: [String] = TitleLines.standardWords) {
        self.layout = layout
        self.titleWords = titleWords
    }

    /// The Word format.
    public var format: FormatDescriptor { DOCXFormat.descriptor }

    /// Writes `doc` as a .docx package.
    public func export(_ doc: OfficialDocument, to sink: any ByteSink) throws {
        let parts = try self.parts(doc)
        let scratch = try ScratchDirectory(purpose: "docx")
        defer { scratch.remove() }
        let path = scratch.file("document.docx")
        do {
            let zip = try ZipWriter(path: path)
            for part in parts { try zip.addData(name: part.name, bytes: part.bytes) }
            try zip.close()
        } catch {
            throw ExportError(error.detail)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExportError("无法读取临时文件“\(path)”")
        }
        try data.withUnsafeBytes { try sink.write($0) }
    }

    /// The package's parts, in the order they are stored.
    func parts(_ doc: OfficialDocument) throws(ExportError) -> [(name: String, bytes: [UInt8])] {
        typealias T = ContentTypesPart.ContentType
        typealias R = RelationshipsPart.RelationshipType
        var types = ContentTypesPart()
        var root = RelationshipsPart()
        var rels = RelationshipsPart()
        root.add(type: R.officeDocument, target: "word/document.xml")
        root.add(type: R.coreProperties, target: "docProps/core.xml")
        root.add(type: R.extendedProperties, target: "docProps/app.xml")
        types.add(part: "/word/document.xml", type: T.document)
        types.add(part: "/word/styles.xml", type: T.wordStyles)
        types.add(part: "/word/settings.xml", type: T.settings)
        types.add(part: "/word/fontTable.xml", type: T.fontTable)
        types.add(part: "/docProps/core.xml", type: T.core)
        types.add(part: "/docProps/app.xml", type: T.app)
        rels.add(type: R.styles, target: "styles.xml")
        rels.add(type: R.settings, target: "settings.xml")
        rels.add(type: R.fontTable, target: "fontTable.xml")
        rels.add(type: R.theme, target: "theme/theme1.xml")
        types.add(part: "/word/theme/theme1.xml", type: T.theme)
        var footers: [(name: String, bytes: [UInt8])] = []
        var ids: [String] = []
        for (i, side) in [FooterPart.Side.odd, .even, .none].enumerated() {
            let name = "footer\(i + 1).xml"
            ids.append(rels.add(type: R.footer, target: name))
            types.add(part: "/word/\(name)", type: T.footer)
            footers.append(("word/\(name)", try FooterPart.write(side, layout: layout)))
        }
        let document = DocumentPart(layout: layout,
                                    titleLines: TitleLines(words: titleWords, maxCharacters: layout.titleCharacters - 1))
        let properties = DocumentProperties(title: TextFolding.trimmed(doc.title), creator: "台账（Taizhang）",
                                            company: TextFolding.trimmed(doc.signature))
        return [
            ("[Content_Types].xml", try types.write()),
            ("_rels/.rels", try root.write()),
            ("docProps/app.xml", try DocPropsPart.app(properties, application: "Microsoft Office Word", titles: nil,
                                                      appVersion: "16.0000")),
            ("docProps/core.xml", try DocPropsPart.core(properties)),
            ("word/document.xml", try document.write(doc, footers: .init(odd: ids[0], even: ids[1], none: ids[2]))),
            ("word/_rels/document.xml.rels", try rels.write()),
            ("word/styles.xml", try StylesPart.write(layout)),
            ("word/settings.xml", try SettingsPart.write()),
            ("word/fontTable.xml", try FontTablePart.write(layout)),
            ("word/theme/theme1.xml", try ThemePart.write()),
        ] + footers
    }
}
