import TaizhangCore

/// The OOXML spreadsheet format (.xlsx), as written by Excel, WPS and LibreOffice.
public enum XLSXFormat {
    /// The format's descriptor.
    public static let descriptor = FormatDescriptor(id: "xlsx", name: "Excel 工作簿（.xlsx）", fileExtensions: ["xlsx"])
}
