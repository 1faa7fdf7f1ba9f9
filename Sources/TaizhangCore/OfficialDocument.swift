/// An official document (公文) as content, without layout: the elements of GB/T 9704-2012 that a plain-text
/// memo carries. A renderer (TaizhangMemo's `MemoRenderer`) lays it out.
///
/// Elements in GB/T 9704 order: 份号 · 密级和保密期限 · 紧急程度 · 发文机关标志 · 发文字号 · 签发人 (版头);
/// 标题 · 主送机关 · 正文 · 附件说明 · 发文机关署名 · 成文日期 · 附注 (主体); 抄送机关 · 印发机关和印发日期 (版记).
/// There is no 印章 element: a plain-text memo never carries a seal or a placeholder for one.
public struct OfficialDocument: Hashable, Sendable, Codable {
    /// 份号: the copy number (`000001`), for classified documents.
    public var copyNumber: String?
    /// 密级和保密期限 (`秘密★1年`).
    public var secrecy: String?
    /// 紧急程度 (`特急`, `加急`).
    public var urgency: String?
    /// 发文机关标志 (`辽宁省工业和信息化厅文件`), the letterhead; none for a letter or report without one.
    public var issuerMark: String?
    /// 发文字号.
    public var number: DocumentNumber?
    /// 签发人: the signing officer's name, for documents sent upwards (上行文).
    public var signer: String?
    /// 标题 (`沈阳市工业和信息化局关于2024年6月…的报告`).
    public var title: String
    /// 主送机关, in order; categories are joined by `，`, so a list of one kind is written inside one item
    /// with `、` (`各市工业和信息化局、沈抚示范区产业创新局`).
    public var recipients: [String]
    /// 正文.
    public var body: [OfficialDocumentBlock]
    /// 附件说明: the attachments' names, without numbers or punctuation.
    public var attachments: [String]
    /// 发文机关署名.
    public var signature: String
    /// 成文日期.
    public var date: CivilDate
    /// 附注, without its parentheses (`联系人：张三，联系电话：024-12345678`).
    public var note: String?
    /// 抄送机关.
    public var copiedTo: [String]
    /// 印发机关 (版记); with ``printDate``.
    public var printer: String?
    /// 印发日期 (版记).
    public var printDate: CivilDate?

    public init(copyNumber: String? = nil, secrecy: String? = nil, urgency: String? = nil, issuerMark: String? = nil,
                number: DocumentNumber? = nil, signer: String? = nil, title: String, recipients: [String] = [],
                body: [OfficialDocumentBlock] = [], attachments: [String] = [], signature: String, date: CivilDate,
                note: String? = nil, copiedTo: [String] = [], printer: String? = nil, printDate: CivilDate? = nil) {
        self.copyNumber = copyNumber
        self.secrecy = secrecy
        self.urgency = urgency
        self.issuerMark = issuerMark
        self.number = number
        self.signer = signer
        self.title = title
        self.recipients = recipients
        self.body = body
        self.attachments = attachments
        self.signature = signature
        self.date = date
        self.note = note
        self.copiedTo = copiedTo
        self.printer = printer
        self.printDate = printDate
    }
}

/// 发文字号: 机关代字, year and serial number, written `辽工信函〔2024〕12号` (hexagonal brackets, no leading
/// zeros, no 第).
public struct DocumentNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// 机关代字 (`辽工信函`).
    public var agencyCode: String
    /// The year (`2024`).
    public var year: Int
    /// The serial number (`12`).
    public var serial: Int

    public init(agencyCode: String, year: Int, serial: Int) {
        self.agencyCode = agencyCode
        self.year = year
        self.serial = serial
    }

    /// `辽工信函〔2024〕12号`.
    public var description: String { "\(agencyCode)〔\(year)〕\(serial)号" }
}

/// One block of a document's body.
public enum OfficialDocumentBlock: Hashable, Sendable, Codable {
    /// A paragraph of running text.
    case paragraph(String)
    /// A heading at `level` 1–4, numbered by the renderer (一、 （一） 1. （1）) in document order; `text` is
    /// its wording without the number. Levels 3 and 4 may run into a paragraph: `run` follows the heading
    /// on the same line (`1.加强组织领导。成立工作专班……`).
    case heading(level: Int, text: String, run: String? = nil)
}
