import TaizhangCore

/// Official documents (公文) as Word files in the layout of GB/T 9704-2012.
public enum DOCXFormat {
    /// The format's descriptor.
    public static let descriptor = FormatDescriptor(id: "docx", name: "Word 公文（.docx）", fileExtensions: ["docx"])
}
